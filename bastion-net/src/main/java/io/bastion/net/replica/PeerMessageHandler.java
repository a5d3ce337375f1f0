package io.bastion.net.replica;

import io.bastion.core.message.Envelope;

/**
 * Receives every message a peer replica sends, after that peer's connection authenticated.
 * {@code peerId} is the authenticated sender; for unsigned message types it is the only
 * authentication there is. Signatures of signed types are not checked by the transport.
 *
 * <p>Called on a Netty event-loop thread, in the order a connection's frames arrived: implementations
 * must not block; they hand the message off (to a queue, to the verifier pool) and return.
 */
@FunctionalInterface
public interface PeerMessageHandler {
    void onMessage(int peerId, Envelope<?> message);
}
