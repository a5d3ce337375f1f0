package io.bastion.net.handshake;

import io.bastion.core.util.Check;

/**
 * The three frames of the replica handshake, in the order they travel. The dialer is always the
 * replica with the lower id. Byte arrays are owned by the frame; callers must not modify them.
 */
public sealed interface HandshakeFrame {

    /** Dialer to acceptor: who is calling whom, and the dialer's fresh nonce. */
    record Hello(int dialerId, int acceptorId, byte[] dialerNonce) implements HandshakeFrame {
        public Hello {
            Check.argument(dialerNonce.length == HandshakeCodec.NONCE_BYTES, "a nonce has 32 bytes");
        }
    }

    /** Acceptor to dialer: the acceptor's fresh nonce and its signature over the accept transcript. */
    record HelloAccept(byte[] acceptorNonce, byte[] signature) implements HandshakeFrame {
        public HelloAccept {
            Check.argument(acceptorNonce.length == HandshakeCodec.NONCE_BYTES, "a nonce has 32 bytes");
        }
    }

    /** Dialer to acceptor: the dialer's signature over the dial transcript. */
    record HelloConfirm(byte[] signature) implements HandshakeFrame {}
}
