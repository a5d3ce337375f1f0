package io.bastion.core.service;

import java.nio.ByteBuffer;

/**
 * A replicated counter: each operation is an 8-byte signed amount to add; the reply is the new
 * value (8 bytes). The simulator uses it to check linearizability, since every reply reveals the
 * exact position of its operation in the history.
 */
public final class CounterService implements Service {
    private long value;

    public static byte[] add(long amount) {
        return ByteBuffer.allocate(8).putLong(amount).array();
    }

    public static long decode(byte[] reply) {
        return ByteBuffer.wrap(reply).getLong();
    }

    @Override
    public byte[] execute(byte[] operation, ServiceContext context) {
        if (operation.length != 8) {
            return new byte[0];
        }
        value += ByteBuffer.wrap(operation).getLong();
        return add(value);
    }

    @Override
    public byte[] query(byte[] operation, ServiceContext context) {
        return add(value);
    }

    public long value() {
        return value;
    }

    @Override
    public byte[] snapshot() {
        return add(value);
    }

    @Override
    public void restore(byte[] snapshot) {
        value = decode(snapshot);
    }

    /** Anyone may join; the credentials name the identity (one live session each). */
    @Override
    public Authorization authorize(byte[] credentials, io.bastion.core.crypto.PublicKeyRef key, ServiceContext context) {
        return Authorization.credentialsAsIdentity(credentials);
    }
}
