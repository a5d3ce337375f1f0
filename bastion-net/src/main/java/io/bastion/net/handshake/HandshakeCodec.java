package io.bastion.net.handshake;

import io.bastion.core.message.Codec;
import io.bastion.core.message.MessageType;
import io.bastion.net.Rejection;
import io.bastion.net.handshake.HandshakeFrame.Hello;
import io.bastion.net.handshake.HandshakeFrame.HelloAccept;
import io.bastion.net.handshake.HandshakeFrame.HelloConfirm;

import java.nio.ByteBuffer;

/**
 * The wire format of handshake frames. They travel in the same length framing as messages; their
 * type codes start at 0x40, above every {@link MessageType} code, and are only valid before the
 * handshake completes (afterwards {@link Codec} rejects them as an unknown type).
 *
 * <pre>
 * HELLO         0x40 dialerId:i32 acceptorId:i32 dialerNonce:32
 * HELLO_ACCEPT  0x41 acceptorNonce:32 signatureLength:u8 signature
 * HELLO_CONFIRM 0x42 signatureLength:u8 signature
 * </pre>
 *
 * Integers are big-endian; a signature has 1..{@link Codec#SIGNATURE_BYTES_MAX} bytes. Decoding is
 * strict like {@link Codec}: exact lengths, no trailing bytes. Stateless and thread-safe.
 */
public final class HandshakeCodec {
    public static final int HELLO = 0x40;
    public static final int HELLO_ACCEPT = 0x41;
    public static final int HELLO_CONFIRM = 0x42;
    public static final int NONCE_BYTES = 32;
    /** The longest handshake frame body (a HELLO_ACCEPT with the longest signature). */
    public static final int FRAME_BYTES_MAX = 1 + NONCE_BYTES + 1 + Codec.SIGNATURE_BYTES_MAX;

    private static final int HELLO_BYTES = 1 + 4 + 4 + NONCE_BYTES;

    private HandshakeCodec() {}

    public static byte[] encode(HandshakeFrame frame) {
        return switch (frame) {
            case Hello h -> ByteBuffer.allocate(HELLO_BYTES)
                    .put((byte) HELLO).putInt(h.dialerId()).putInt(h.acceptorId()).put(h.dialerNonce()).array();
            case HelloAccept a -> ByteBuffer.allocate(1 + NONCE_BYTES + 1 + a.signature().length)
                    .put((byte) HELLO_ACCEPT).put(a.acceptorNonce()).put((byte) a.signature().length)
                    .put(a.signature()).array();
            case HelloConfirm c -> ByteBuffer.allocate(1 + 1 + c.signature().length)
                    .put((byte) HELLO_CONFIRM).put((byte) c.signature().length).put(c.signature()).array();
        };
    }

    public static HandshakeFrame decode(byte[] body) throws HandshakeException {
        if (body.length == 0) {
            throw new HandshakeException(Rejection.TRUNCATED, "empty frame");
        }
        int code = body[0] & 0xff;
        return switch (code) {
            case HELLO -> decodeHello(body);
            case HELLO_ACCEPT -> {
                byte[] signature = signature(body, 1 + NONCE_BYTES);
                yield new HelloAccept(slice(body, 1, NONCE_BYTES), signature);
            }
            case HELLO_CONFIRM -> new HelloConfirm(signature(body, 1));
            default -> throw notHandshake(code);
        };
    }

    private static Hello decodeHello(byte[] body) throws HandshakeException {
        exactLength(body, HELLO_BYTES, "HELLO");
        ByteBuffer in = ByteBuffer.wrap(body, 1, HELLO_BYTES - 1);
        int dialerId = in.getInt();
        int acceptorId = in.getInt();
        return new Hello(dialerId, acceptorId, slice(body, 9, NONCE_BYTES));
    }

    /** The signature whose length byte is at {@code at}; it must end the frame. */
    private static byte[] signature(byte[] body, int at) throws HandshakeException {
        if (body.length <= at) {
            throw new HandshakeException(Rejection.TRUNCATED, "frame ends before the signature length");
        }
        int length = body[at] & 0xff;
        if (length == 0 || length > Codec.SIGNATURE_BYTES_MAX) {
            throw new HandshakeException(Rejection.INVALID_FIELD, "signature of " + length + " bytes");
        }
        exactLength(body, at + 1 + length, "handshake frame");
        return slice(body, at + 1, length);
    }

    private static void exactLength(byte[] body, int expected, String what) throws HandshakeException {
        if (body.length < expected) {
            throw new HandshakeException(Rejection.TRUNCATED, what + " of " + body.length + " bytes, needs " + expected);
        }
        if (body.length > expected) {
            throw new HandshakeException(Rejection.TRAILING_BYTES,
                    (body.length - expected) + " bytes after the end of a " + what);
        }
    }

    private static HandshakeException notHandshake(int code) {
        MessageType type = MessageType.ofCode(code);
        if (type != null) {
            return new HandshakeException(Rejection.HANDSHAKE_UNEXPECTED_FRAME, "a " + type + " before the handshake");
        }
        return new HandshakeException(Rejection.UNKNOWN_TYPE, "unknown frame type " + code);
    }

    private static byte[] slice(byte[] body, int offset, int length) {
        byte[] out = new byte[length];
        System.arraycopy(body, offset, out, 0, length);
        return out;
    }
}
