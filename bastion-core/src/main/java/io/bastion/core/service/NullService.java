package io.bastion.core.service;

import java.nio.ByteBuffer;

/**
 * The benchmark's null operation: does nothing but answer with a reply of the size the request
 * asks for. An operation is a 4-byte reply size followed by any padding (to reach the request
 * size under test). No state.
 */
public final class NullService implements Service {
    /** Largest reply a null operation may ask for. */
    public static final int REPLY_BYTES_MAX = 1 << 20;

    /** An operation of {@code requestBytes} (at least 4) asking for {@code replyBytes}. */
    public static byte[] operation(int requestBytes, int replyBytes) {
        ByteBuffer b = ByteBuffer.allocate(Math.max(4, requestBytes));
        b.putInt(replyBytes);
        return b.array();
    }

    @Override
    public byte[] execute(byte[] operation, ServiceContext context) {
        int size = operation.length >= 4 ? ByteBuffer.wrap(operation).getInt() : 0;
        return new byte[Math.max(0, Math.min(size, REPLY_BYTES_MAX))];
    }

    @Override
    public byte[] query(byte[] operation, ServiceContext context) {
        return execute(operation, context);
    }

    @Override
    public byte[] snapshot() {
        return new byte[0];
    }

    @Override
    public void restore(byte[] snapshot) {}

    /** Anyone may join; the credentials name the identity (one live session each). */
    @Override
    public Authorization authorize(byte[] credentials, io.bastion.core.crypto.PublicKeyRef key, ServiceContext context) {
        return Authorization.credentialsAsIdentity(credentials);
    }
}
