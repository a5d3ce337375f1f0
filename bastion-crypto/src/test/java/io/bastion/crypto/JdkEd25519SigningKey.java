package io.bastion.crypto;

import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.crypto.Signer;
import io.bastion.core.util.Check;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;
import java.util.Optional;

/**
 * An Ed25519 private key that signs with the JDK's own provider ({@code Signature "Ed25519"}).
 * Slower than {@link Ed25519SigningKey}; a test helper, so that tests can check the
 * fast path against an independent implementation. Immutable and thread-safe.
 */
public final class JdkEd25519SigningKey implements Signer {
    private final PrivateKey privateKey;
    private final byte[] seed;
    private final PublicKeyRef publicKey;

    private JdkEd25519SigningKey(KeyPair pair) {
        this.privateKey = pair.getPrivate();
        Optional<byte[]> bytes = ((EdECPrivateKey) privateKey).getBytes();
        Check.that(bytes.isPresent(), "the JDK provider hides the Ed25519 seed");
        this.seed = bytes.get();
        this.publicKey = PublicKeys.fromJdk(pair.getPublic());
    }

    /** A new key from {@code random}. */
    public static JdkEd25519SigningKey generate(SecureRandom random) {
        return new JdkEd25519SigningKey(generatePair(random));
    }

    /**
     * The key whose RFC 8032 private key is {@code seed}. The JDK offers no way to derive the
     * public key from a seed, so this feeds the seed to its key pair generator as its only
     * randomness, and checks that the generator took it unchanged.
     */
    public static JdkEd25519SigningKey fromSeed(byte[] seed) {
        Check.argument(seed.length == Ed25519SigningKey.SEED_BYTES, "an Ed25519 seed has 32 bytes, got " + seed.length);
        JdkEd25519SigningKey key = new JdkEd25519SigningKey(generatePair(new FixedBytes(seed)));
        Check.that(Arrays.equals(key.seed, seed), "the JDK Ed25519 key generator did not use the seed as given");
        return key;
    }

    private static KeyPair generatePair(SecureRandom random) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
            generator.initialize(NamedParameterSpec.ED25519, random);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK >= 15 provides Ed25519", e);
        }
    }

    public PublicKeyRef publicKey() {
        return publicKey;
    }

    @Override
    public byte[] sign(byte[] message) {
        try {
            Signature signature = Signature.getInstance("Ed25519");
            signature.initSign(privateKey);
            signature.update(message);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed with a valid key", e);
        }
    }

    public byte[] toPkcs8() {
        return PrivateKeys.encodeEd25519(seed);
    }

    @Override
    public String toString() {
        return "JdkEd25519SigningKey[" + publicKey + "]";
    }

    /** A "random" source that hands out one fixed byte string, once. */
    private static final class FixedBytes extends SecureRandom {
        private byte[] remaining;

        FixedBytes(byte[] bytes) {
            this.remaining = bytes.clone();
        }

        @Override
        public void nextBytes(byte[] out) {
            Check.that(remaining != null && out.length == remaining.length,
                    "the key generator asked for " + out.length + " bytes, not the 32-byte seed");
            System.arraycopy(remaining, 0, out, 0, out.length);
            remaining = null;
        }
    }
}
