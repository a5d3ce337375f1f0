package io.bastion.crypto;

import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.crypto.SignatureVerifier;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

import java.security.InvalidKeyException;

/**
 * The signature verifier of replicas and clients: Ed25519 with BouncyCastle's RFC 8032 code (the
 * fast path, about eight times the JDK's speed), ECDSA P-256 with BouncyCastle's ECDSA on its P-256
 * arithmetic ({@link P256Signatures}, about five times the JDK's speed); simulated keys are never
 * accepted. Every replica must verify with this same class, so that all of them accept
 * exactly the same signatures.
 *
 * <p>Parsed keys (decoded Ed25519 and P-256 points) are kept in a bounded cache per
 * verifier, so a client's or replica's key is decoded once. Answers {@code false}, never throws,
 * on any malformed key, message range or signature. Thread-safe without locks: share one
 * instance between all verifying threads.
 */
public final class StandardSignatureVerifier implements SignatureVerifier {
    /** Keys cached per algorithm by default: more than the replicas plus the static and joined clients of a typical cluster. */
    public static final int KEY_CACHE_ENTRIES_DEFAULT = 4096;

    private final ParsedKeyCache<Ed25519.PublicPoint> ed25519Keys;
    private final ParsedKeyCache<ECPublicKeyParameters> p256Keys;

    public StandardSignatureVerifier() {
        this(KEY_CACHE_ENTRIES_DEFAULT);
    }

    /** A verifier that caches at most {@code keyCacheEntriesMax} parsed keys per algorithm; 0 parses every time. */
    public StandardSignatureVerifier(int keyCacheEntriesMax) {
        this.ed25519Keys = new ParsedKeyCache<>(keyCacheEntriesMax, StandardSignatureVerifier::ed25519Point);
        this.p256Keys = new ParsedKeyCache<>(keyCacheEntriesMax, StandardSignatureVerifier::p256Key);
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
        return switch (key.algorithm()) {
            case ED25519 -> verifyEd25519(key, message, offset, length, signature);
            case ECDSA_P256 -> verifyP256(key, message, offset, length, signature);
            case SIMULATED -> false;
        };
    }

    private boolean verifyEd25519(PublicKeyRef key, byte[] message, int offset, int length, byte[] signature) {
        Ed25519.PublicPoint point = ed25519Keys.get(key);
        return point != null && Ed25519.verify(signature, 0, point, message, offset, length);
    }

    private boolean verifyP256(PublicKeyRef key, byte[] message, int offset, int length, byte[] signature) {
        ECPublicKeyParameters point = p256Keys.get(key);
        return point != null && P256Signatures.verify(point, message, offset, length, signature);
    }

    private static ECPublicKeyParameters p256Key(PublicKeyRef key) throws InvalidKeyException {
        try {
            return P256Signatures.publicKey(key.rawUnsafe());
        } catch (IllegalArgumentException e) {
            throw new InvalidKeyException("not a valid P-256 public key: " + e.getMessage(), e);
        }
    }

    /**
     * The decoded point of an Ed25519 key: a canonical encoding of a point that is not of small
     * order (RFC 8032 leaves this to implementations; BouncyCastle rejects such keys either way).
     */
    private static Ed25519.PublicPoint ed25519Point(PublicKeyRef key) throws InvalidKeyException {
        Ed25519.PublicPoint point = Ed25519.validatePublicKeyPartialExport(key.rawUnsafe(), 0);
        if (point == null) {
            throw new InvalidKeyException("not a valid Ed25519 public key");
        }
        return point;
    }
}
