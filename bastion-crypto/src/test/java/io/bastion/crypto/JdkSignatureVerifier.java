package io.bastion.crypto;

import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.crypto.SignatureVerifier;

import java.security.PublicKey;

/**
 * A verifier that uses only the JDK provider, for Ed25519 too: a test helper that cross-checks
 * the BouncyCastle fast path ({@link StandardSignatureVerifier}). Same contract: never throws on malformed input,
 * thread-safe, parsed keys cached in a bounded cache.
 *
 * <p>It differs from the fast path on edge cases that RFC 8032 leaves open: the JDK accepts
 * Ed25519 keys of small order (for the identity key, R = identity and S = 0 "verifies" every
 * message), which {@link StandardSignatureVerifier} rejects. Replicas must never mix the two.
 */
public final class JdkSignatureVerifier implements SignatureVerifier {
    private final ParsedKeyCache<PublicKey> keys;

    public JdkSignatureVerifier() {
        this(StandardSignatureVerifier.KEY_CACHE_ENTRIES_DEFAULT);
    }

    /** A verifier that caches at most {@code keyCacheEntriesMax} parsed keys; 0 parses every time. */
    public JdkSignatureVerifier(int keyCacheEntriesMax) {
        this.keys = new ParsedKeyCache<>(keyCacheEntriesMax, PublicKeys::toJdk);
    }

    @Override
    public boolean verify(PublicKeyRef key, byte[] message, byte[] signature) {
        return message != null && verify(key, message, 0, message.length, signature);
    }

    @Override
    public boolean verify(PublicKeyRef key, byte[] message, int offset, int length, byte[] signature) {
        if (!JdkSignatures.wellFormed(key, message, offset, length, signature)
                || signature.length != key.algorithm().signatureBytes) {
            return false;
        }
        String algorithm = switch (key.algorithm()) {
            case ED25519 -> "Ed25519";
            case ECDSA_P256 -> EcdsaP256SigningKey.SIGNATURE_ALGORITHM;
            case SIMULATED -> null;
        };
        PublicKey jdkKey = algorithm == null ? null : keys.get(key);
        return jdkKey != null && JdkSignatures.verify(algorithm, jdkKey, message, offset, length, signature);
    }
}
