package io.bastion.crypto;

import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1BitString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;

/**
 * Reads and writes private keys as PKCS#8 {@code PrivateKeyInfo} (DER), the standard form that
 * {@code openssl genpkey} writes and that browsers export. Ed25519 keys become the fast
 * {@link Ed25519SigningKey}; P-256 keys an {@link EcdsaP256SigningKey}. When the file also carries
 * the public key (as OpenSSL's P-256 keys do), it must match the private key. Stateless and
 * thread-safe.
 */
public final class PrivateKeys {
    private PrivateKeys() {}

    /** Reads a DER-encoded PKCS#8 private key of Ed25519 or P-256. */
    public static SigningKey fromPkcs8(byte[] der) throws InvalidKeyException {
        PrivateKeyInfo info = parse(der);
        ASN1ObjectIdentifier oid = info.getPrivateKeyAlgorithm().getAlgorithm();
        if (oid.equals(PublicKeys.ED25519_OID)) {
            return ed25519(info);
        }
        if (oid.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
            return p256(info, der);
        }
        throw new InvalidKeyException("unsupported key algorithm " + oid.getId() + " (Bastion accepts Ed25519 and ECDSA P-256)");
    }

    /** The PKCS#8 form of an Ed25519 seed (RFC 8410, version 1, without the public key). */
    static byte[] encodeEd25519(byte[] seed) {
        try {
            AlgorithmIdentifier id = new AlgorithmIdentifier(PublicKeys.ED25519_OID);
            return new PrivateKeyInfo(id, new DEROctetString(seed)).getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new UncheckedIOException("DER encoding into memory failed", e);
        }
    }

    private static PrivateKeyInfo parse(byte[] der) throws InvalidKeyException {
        try {
            return PrivateKeyInfo.getInstance(der);
        } catch (RuntimeException e) { // BouncyCastle reports malformed ASN.1 with several unchecked types
            throw new InvalidKeyException("not a DER-encoded PKCS#8 private key (" + e.getMessage() + ")");
        }
    }

    private static Ed25519SigningKey ed25519(PrivateKeyInfo info) throws InvalidKeyException {
        byte[] seed;
        try {
            seed = ASN1OctetString.getInstance(info.parsePrivateKey()).getOctets();
        } catch (IOException | RuntimeException e) {
            throw new InvalidKeyException("malformed Ed25519 private key (" + e.getMessage() + ")");
        }
        if (seed.length != Ed25519SigningKey.SEED_BYTES) {
            throw new InvalidKeyException("an Ed25519 private key has 32 bytes, got " + seed.length);
        }
        Ed25519SigningKey key = Ed25519SigningKey.fromSeed(seed);
        if (info.hasPublicKey()) {
            requireMatch(info.getPublicKeyData().getBytes(), key.publicKey().rawUnsafe());
        }
        return key;
    }

    private static EcdsaP256SigningKey p256(PrivateKeyInfo info, byte[] der) throws InvalidKeyException {
        ECPrivateKey jdkKey;
        try {
            jdkKey = (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new InvalidKeyException("malformed EC private key (" + e.getMessage() + ")");
        }
        if (!P256.isP256(jdkKey.getParams())) {
            throw new InvalidKeyException("EC private key on a curve other than P-256 (Bastion accepts P-256 only)");
        }
        BigInteger scalar = jdkKey.getS();
        if (scalar.signum() <= 0 || scalar.compareTo(jdkKey.getParams().getOrder()) >= 0) {
            throw new InvalidKeyException("P-256 private scalar out of range");
        }
        EcdsaP256SigningKey key = new EcdsaP256SigningKey(jdkKey);
        byte[] stored = storedEcPublicKey(info);
        if (stored != null) {
            requireMatch(stored, key.publicKey().rawUnsafe());
        }
        return key;
    }

    /** The uncompressed public point an EC private key carries, or null when it carries none. */
    private static byte[] storedEcPublicKey(PrivateKeyInfo info) throws InvalidKeyException {
        try {
            ASN1BitString stored = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey()).getPublicKey();
            return stored == null ? null : P256.validatedUncompressed(stored.getBytes());
        } catch (IOException | RuntimeException e) {
            throw new InvalidKeyException("malformed public key inside the EC private key (" + e.getMessage() + ")");
        }
    }

    private static void requireMatch(byte[] stored, byte[] derived) throws InvalidKeyException {
        if (!Arrays.equals(stored, derived)) {
            throw new InvalidKeyException("the public key stored with the private key does not belong to it");
        }
    }
}
