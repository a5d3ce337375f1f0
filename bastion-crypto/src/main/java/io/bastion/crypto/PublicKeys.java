package io.bastion.crypto;

import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.crypto.PublicKeyRef.Algorithm;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * Conversions between {@link PublicKeyRef} (what the protocol carries) and the standard encodings
 * that files, browsers and the JDK use: X.509 {@code SubjectPublicKeyInfo} (DER), its base64 text
 * as written in the cluster file, and {@link java.security.PublicKey}.
 *
 * <p>Everything that reads a key validates it: an Ed25519 key must be a canonical encoding of a
 * point of prime order, a P-256 key a point on the curve. Failures are
 * {@link InvalidKeyException}s whose message says what is wrong. Stateless and thread-safe.
 */
public final class PublicKeys {
    /** id-Ed25519 (RFC 8410). */
    static final ASN1ObjectIdentifier ED25519_OID = new ASN1ObjectIdentifier("1.3.101.112");
    private static final AlgorithmIdentifier ED25519_ID = new AlgorithmIdentifier(ED25519_OID);
    private static final AlgorithmIdentifier P256_ID =
            new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, X9ObjectIdentifiers.prime256v1);

    private PublicKeys() {}

    /** The DER-encoded X.509 {@code SubjectPublicKeyInfo} of {@code key}: the body of a PEM "PUBLIC KEY". */
    public static byte[] toX509(PublicKeyRef key) {
        AlgorithmIdentifier id = switch (key.algorithm()) {
            case ED25519 -> ED25519_ID;
            case ECDSA_P256 -> P256_ID;
            case SIMULATED -> throw new IllegalArgumentException("simulated keys have no standard encoding");
        };
        try {
            return new SubjectPublicKeyInfo(id, key.rawUnsafe()).getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new UncheckedIOException("DER encoding into memory failed", e);
        }
    }

    /** Reads a DER-encoded X.509 {@code SubjectPublicKeyInfo} of an Ed25519 or P-256 key. */
    public static PublicKeyRef fromX509(byte[] der) throws InvalidKeyException {
        SubjectPublicKeyInfo info = parseX509(der);
        ASN1ObjectIdentifier oid = info.getAlgorithm().getAlgorithm();
        byte[] bits = keyBits(info);
        if (oid.equals(ED25519_OID)) {
            return validated(Algorithm.ED25519, bits);
        }
        if (oid.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
            requireP256(info.getAlgorithm().getParameters());
            return new PublicKeyRef(Algorithm.ECDSA_P256, p256Point(bits));
        }
        throw new InvalidKeyException("unsupported key algorithm " + oid.getId() + " (Bastion accepts Ed25519 and ECDSA P-256)");
    }

    /** The base64 text of {@link #toX509}: how the cluster file spells a public key. */
    public static String toBase64(PublicKeyRef key) {
        return Base64.getEncoder().encodeToString(toX509(key));
    }

    /** Reads the base64 text of an X.509 {@code SubjectPublicKeyInfo}. */
    public static PublicKeyRef fromBase64(String text) throws InvalidKeyException {
        byte[] der;
        try {
            der = Base64.getDecoder().decode(text.strip());
        } catch (IllegalArgumentException e) {
            throw new InvalidKeyException("not valid base64: " + e.getMessage());
        }
        return fromX509(der);
    }

    /**
     * {@code raw} as a key of {@code algorithm} after checking that it is a valid public key: for
     * Ed25519 a canonical point of prime order, for P-256 an uncompressed point on the curve.
     */
    public static PublicKeyRef validated(Algorithm algorithm, byte[] raw) throws InvalidKeyException {
        if (algorithm == Algorithm.SIMULATED) {
            throw new InvalidKeyException("simulated keys are for tests only");
        }
        if (raw.length != algorithm.keyBytes) {
            throw new InvalidKeyException(algorithm + " public key must have " + algorithm.keyBytes + " bytes, got " + raw.length);
        }
        if (algorithm == Algorithm.ED25519 && !Ed25519.validatePublicKeyFull(raw, 0)) {
            throw new InvalidKeyException("not a valid Ed25519 public key (not a canonical point of prime order)");
        }
        if (algorithm == Algorithm.ECDSA_P256) {
            checkP256Point(raw);
        }
        return new PublicKeyRef(algorithm, raw);
    }

    /** {@code key} as a JDK public key, for the JDK provider's {@link java.security.Signature}. */
    public static PublicKey toJdk(PublicKeyRef key) throws InvalidKeyException {
        if (key.algorithm() == Algorithm.ECDSA_P256) {
            checkP256Point(key.rawUnsafe()); // the JDK does not check that the point is on the curve
        }
        String jdkName = switch (key.algorithm()) {
            case ED25519 -> "Ed25519";
            case ECDSA_P256 -> "EC";
            case SIMULATED -> throw new InvalidKeyException("simulated keys have no JDK form");
        };
        try {
            return KeyFactory.getInstance(jdkName).generatePublic(new X509EncodedKeySpec(toX509(key)));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new InvalidKeyException("the JDK rejects this " + key.algorithm() + " key: " + e.getMessage(), e);
        }
    }

    /** The {@link PublicKeyRef} of a JDK Ed25519 or P-256 public key. */
    public static PublicKeyRef fromJdk(PublicKey key) {
        try {
            return fromX509(key.getEncoded());
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("not an Ed25519 or P-256 public key: " + key.getAlgorithm(), e);
        }
    }

    private static SubjectPublicKeyInfo parseX509(byte[] der) throws InvalidKeyException {
        try {
            return SubjectPublicKeyInfo.getInstance(der);
        } catch (RuntimeException e) { // BouncyCastle reports malformed ASN.1 with several unchecked types
            throw new InvalidKeyException("not a DER-encoded X.509 SubjectPublicKeyInfo (" + e.getMessage() + ")");
        }
    }

    private static byte[] keyBits(SubjectPublicKeyInfo info) throws InvalidKeyException {
        if (info.getPublicKeyData().getPadBits() != 0) {
            throw new InvalidKeyException("the public key is not a whole number of bytes");
        }
        return info.getPublicKeyData().getOctets();
    }

    private static void requireP256(ASN1Encodable parameters) throws InvalidKeyException {
        if (!(parameters instanceof ASN1ObjectIdentifier curve)) {
            throw new InvalidKeyException("EC key without a named curve (Bastion accepts P-256 only)");
        }
        if (!curve.equals(X9ObjectIdentifiers.prime256v1)) {
            throw new InvalidKeyException("EC key on curve " + curve.getId() + " (Bastion accepts P-256 only)");
        }
    }

    /** A point on P-256, compressed or not, in uncompressed form. */
    private static byte[] p256Point(byte[] encoded) throws InvalidKeyException {
        try {
            return P256.validatedUncompressed(encoded);
        } catch (IllegalArgumentException e) {
            throw new InvalidKeyException("not a valid P-256 public key: " + e.getMessage());
        }
    }

    private static void checkP256Point(byte[] raw) throws InvalidKeyException {
        if (!Arrays.equals(p256Point(raw), raw)) {
            throw new InvalidKeyException("a P-256 public key must be an uncompressed point (65 bytes, 0x04 || x || y)");
        }
    }
}
