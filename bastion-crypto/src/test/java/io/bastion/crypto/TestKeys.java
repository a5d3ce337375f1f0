package io.bastion.crypto;

import java.security.SecureRandom;
import java.util.Random;

/** Reproducible keys and messages for tests: everything derives from a seed. */
final class TestKeys {
    private TestKeys() {}

    static byte[] bytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    static Ed25519SigningKey ed25519(Random random) {
        return Ed25519SigningKey.fromSeed(bytes(random, Ed25519SigningKey.SEED_BYTES));
    }

    /** A SecureRandom that replays the seed's stream, for key generators that insist on one. */
    static SecureRandom secureRandom(long seed) {
        try {
            SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
            random.setSeed(seed);
            return random;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
