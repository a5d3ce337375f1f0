package io.bastion.net.handshake;

import io.bastion.core.util.Check;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The bytes each side of the replica handshake signs:
 *
 * <pre>
 * label 0x00 dialerId:i32 acceptorId:i32 dialerNonce:32 acceptorNonce:32
 * label := "bastion-handshake-accept" (signed by the acceptor) | "bastion-handshake-dial" (by the dialer)
 * </pre>
 *
 * The label separates the two directions, so neither signature can be replayed as the other; its
 * first byte ('b', 0x62) is no {@link io.bastion.core.message.MessageType} code, so a handshake
 * signature is never a valid message signature or vice versa. Both nonces are fresh per
 * connection, so a recorded handshake cannot be replayed. Stateless and thread-safe.
 */
public final class HandshakeTranscript {
    public static final String ACCEPT_LABEL = "bastion-handshake-accept";
    public static final String DIAL_LABEL = "bastion-handshake-dial";

    private HandshakeTranscript() {}

    /** What the acceptor signs in HELLO_ACCEPT. */
    public static byte[] accept(int dialerId, int acceptorId, byte[] dialerNonce, byte[] acceptorNonce) {
        return encode(ACCEPT_LABEL, dialerId, acceptorId, dialerNonce, acceptorNonce);
    }

    /** What the dialer signs in HELLO_CONFIRM. */
    public static byte[] dial(int dialerId, int acceptorId, byte[] dialerNonce, byte[] acceptorNonce) {
        return encode(DIAL_LABEL, dialerId, acceptorId, dialerNonce, acceptorNonce);
    }

    private static byte[] encode(String label, int dialerId, int acceptorId, byte[] dialerNonce, byte[] acceptorNonce) {
        Check.argument(dialerNonce.length == HandshakeCodec.NONCE_BYTES && acceptorNonce.length == HandshakeCodec.NONCE_BYTES,
                "nonces have 32 bytes");
        byte[] labelBytes = label.getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(labelBytes.length + 1 + 4 + 4 + 2 * HandshakeCodec.NONCE_BYTES)
                .put(labelBytes).put((byte) 0)
                .putInt(dialerId).putInt(acceptorId)
                .put(dialerNonce).put(acceptorNonce)
                .array();
    }
}
