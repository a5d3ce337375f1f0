package io.bastion.core.message;

import java.util.Arrays;

/**
 * A replica's first message on a TLS client connection (MAC client mode): a fresh nonce that
 * lives as long as the connection. A {@link SessionKey} sent on this connection must carry it, so
 * a key message cannot be replayed onto another connection or after this one closed. Unsigned:
 * the connection's TLS authenticates the replica.
 */
public record KeyNonce(int replicaId, byte[] nonce) implements Message {
    public static final int NONCE_BYTES = 32;

    public KeyNonce {
        nonce = nonce.clone();
    }

    @Override
    public MessageType type() {
        return MessageType.KEY_NONCE;
    }

    @Override
    public byte[] nonce() {
        return nonce.clone();
    }

    /** The nonce without a copy; callers must not modify it. */
    public byte[] nonceUnsafe() {
        return nonce;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyNonce k && k.replicaId == replicaId && Arrays.equals(k.nonce, nonce);
    }

    @Override
    public int hashCode() {
        return replicaId * 31 + Arrays.hashCode(nonce);
    }

    @Override
    public String toString() {
        return "KeyNonce[replica=" + replicaId + "]";
    }
}
