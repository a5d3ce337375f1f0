package io.bastion.core.crypto;

/**
 * Checks a signature against a public key in its raw encoding (32 bytes for Ed25519, 65 bytes
 * uncompressed SEC1 for ECDSA P-256). Thread-safe; must not throw on malformed input — it answers
 * {@code false}.
 */
public interface SignatureVerifier {
    boolean verify(PublicKeyRef key, byte[] message, byte[] signature);

    /** As {@link #verify(PublicKeyRef, byte[], byte[])} over {@code message[offset, offset+length)}. */
    default boolean verify(PublicKeyRef key, byte[] message, int offset, int length, byte[] signature) {
        byte[] slice = new byte[length];
        System.arraycopy(message, offset, slice, 0, length);
        return verify(key, slice, signature);
    }
}
