package io.bastion.core.message;

import java.util.Arrays;

/**
 * A client's HMAC-SHA256 key for its requests to one replica, for the life of one connection (MAC
 * client mode). Signed with the client's key, like its requests; it names the replica (another
 * replica refuses it) and carries that connection's {@link KeyNonce} (it cannot be replayed onto
 * another connection). The key travels in clear inside the message, so it may only be sent over a
 * confidential (TLS) connection to that replica. {@link #toString} never shows the key.
 */
public record SessionKey(long clientId, int replicaId, byte[] nonce, byte[] key) implements Message {
    public static final int KEY_BYTES = 32;

    public SessionKey {
        nonce = nonce.clone();
        key = key.clone();
    }

    @Override
    public MessageType type() {
        return MessageType.SESSION_KEY;
    }

    @Override
    public byte[] nonce() {
        return nonce.clone();
    }

    @Override
    public byte[] key() {
        return key.clone();
    }

    /** The nonce without a copy; callers must not modify it. */
    public byte[] nonceUnsafe() {
        return nonce;
    }

    /** The key without a copy; callers must not modify it. */
    public byte[] keyUnsafe() {
        return key;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SessionKey k && k.clientId == clientId && k.replicaId == replicaId
                && Arrays.equals(k.nonce, nonce) && Arrays.equals(k.key, key);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(clientId) * 31 + replicaId;
    }

    @Override
    public String toString() {
        return "SessionKey[client=" + clientId + ", replica=" + replicaId + "]";
    }
}
