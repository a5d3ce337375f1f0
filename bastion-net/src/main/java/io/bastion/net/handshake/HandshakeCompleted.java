package io.bastion.net.handshake;

/**
 * Pipeline user event fired once a replica connection has authenticated: from then on every
 * frame on it comes from replica {@code peerId}.
 */
public record HandshakeCompleted(int peerId) {}
