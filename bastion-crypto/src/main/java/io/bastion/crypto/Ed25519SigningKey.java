package io.bastion.crypto;

import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.util.Check;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

import java.security.SecureRandom;

/**
 * An Ed25519 private key that signs with BouncyCastle's low-level RFC 8032 code: the fast path,
 * used by replicas and by default by clients. Signatures are deterministic (RFC 8032), as
 * {@link io.bastion.core.crypto.Signer} requires. Immutable and thread-safe.
 */
public final class Ed25519SigningKey implements SigningKey {
    /** An Ed25519 private key is a 32-byte seed (RFC 8032 section 5.1.5). */
    public static final int SEED_BYTES = Ed25519.SECRET_KEY_SIZE;

    private final byte[] seed;
    private final byte[] publicKeyRaw;
    private final PublicKeyRef publicKey;

    private Ed25519SigningKey(byte[] seed) {
        this.seed = seed;
        this.publicKeyRaw = new byte[Ed25519.PUBLIC_KEY_SIZE];
        Ed25519.generatePublicKey(seed, 0, publicKeyRaw, 0);
        this.publicKey = new PublicKeyRef(PublicKeyRef.Algorithm.ED25519, publicKeyRaw);
    }

    /** A new key from {@code random}. */
    public static Ed25519SigningKey generate(SecureRandom random) {
        byte[] seed = new byte[SEED_BYTES];
        Ed25519.generatePrivateKey(random, seed);
        return new Ed25519SigningKey(seed);
    }

    /** The key whose RFC 8032 private key is {@code seed} (32 bytes, copied). */
    public static Ed25519SigningKey fromSeed(byte[] seed) {
        Check.argument(seed.length == SEED_BYTES, "an Ed25519 seed has 32 bytes, got " + seed.length);
        return new Ed25519SigningKey(seed.clone());
    }

    /** A copy of the 32-byte seed. */
    public byte[] seed() {
        return seed.clone();
    }

    @Override
    public PublicKeyRef publicKey() {
        return publicKey;
    }

    @Override
    public byte[] sign(byte[] message) {
        byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
        // Passing the public key saves a base-point multiplication per signature.
        Ed25519.sign(seed, 0, publicKeyRaw, 0, message, 0, message.length, signature, 0);
        return signature;
    }

    @Override
    public byte[] toPkcs8() {
        return PrivateKeys.encodeEd25519(seed);
    }

    @Override
    public String toString() {
        return "Ed25519SigningKey[" + publicKey + "]";
    }
}
