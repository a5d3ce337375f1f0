package io.bastion.core.message;

import io.bastion.core.crypto.PublicKeyRef;

import java.util.Arrays;
import java.util.Objects;

/**
 * A client's first word to a replica (not ordered, not signed): its public key, a fresh nonce and
 * its application credentials. The replica answers with a {@link Challenge} bound to the key and
 * nonce and keeps nothing. The credentials travel again, signed, in the Join; here they only let a
 * replica refuse obviously oversized ones early.
 */
public record Hello(PublicKeyRef key, byte[] nonce, byte[] credentials) implements Message {
    /** Shortest nonce accepted: 128 bits. */
    public static final int NONCE_BYTES_MIN = 16;
    public static final int NONCE_BYTES_MAX = 64;
    /** Largest credentials buffer (Hello and Join). */
    public static final int CREDENTIALS_BYTES_MAX = 4_096;

    public Hello {
        Objects.requireNonNull(key, "key");
        nonce = nonce.clone();
        credentials = credentials.clone();
    }

    @Override
    public MessageType type() {
        return MessageType.HELLO;
    }

    @Override
    public byte[] nonce() {
        return nonce.clone();
    }

    @Override
    public byte[] credentials() {
        return credentials.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Hello h && h.key.equals(key) && Arrays.equals(h.nonce, nonce)
                && Arrays.equals(h.credentials, credentials);
    }

    @Override
    public int hashCode() {
        return key.hashCode() * 31 + Arrays.hashCode(nonce);
    }

    @Override
    public String toString() {
        return "Hello[" + key.algorithm() + ", " + credentials.length + " bytes of credentials]";
    }
}
