package io.bastion.crypto;

import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.util.Check;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;

/**
 * An ECDSA P-256 private key that signs SHA-256 digests with the JDK provider and returns
 * signatures in IEEE P1363 form (r || s, 64 bytes), as WebCrypto makes them. For clients, in
 * particular browsers, whose platform offers P-256 everywhere.
 *
 * <p>Unlike Ed25519, ECDSA signatures are randomized: signing the same message twice gives two
 * different signatures, both valid. That is why replicas, whose signatures must be a function of
 * the protocol state, sign with {@link Ed25519SigningKey} only. Immutable and thread-safe.
 */
public final class EcdsaP256SigningKey implements SigningKey {
    static final String SIGNATURE_ALGORITHM = "SHA256withECDSAinP1363Format";

    private final ECPrivateKey privateKey;
    private final PublicKeyRef publicKey;

    EcdsaP256SigningKey(ECPrivateKey privateKey) {
        Check.argument(P256.isP256(privateKey.getParams()), "not a P-256 private key");
        this.privateKey = privateKey;
        this.publicKey = new PublicKeyRef(PublicKeyRef.Algorithm.ECDSA_P256, P256.publicPoint(privateKey.getS()));
    }

    /** A new key from {@code random}. */
    public static EcdsaP256SigningKey generate(SecureRandom random) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(P256.JDK_CURVE_NAME), random);
            KeyPair pair = generator.generateKeyPair();
            return new EcdsaP256SigningKey((ECPrivateKey) pair.getPrivate());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK provides " + P256.JDK_CURVE_NAME, e);
        }
    }

    @Override
    public PublicKeyRef publicKey() {
        return publicKey;
    }

    @Override
    public byte[] sign(byte[] message) {
        try {
            Signature signature = Signature.getInstance(SIGNATURE_ALGORITHM);
            signature.initSign(privateKey);
            signature.update(message);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ECDSA signing failed with a valid key", e);
        }
    }

    @Override
    public byte[] toPkcs8() {
        return privateKey.getEncoded();
    }

    @Override
    public String toString() {
        return "EcdsaP256SigningKey[" + publicKey + "]";
    }
}
