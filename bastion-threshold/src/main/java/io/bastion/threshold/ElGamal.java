package io.bastion.threshold;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Optional;

/**
 * Exponential ElGamal under a threshold public key: {@code (g^r, g^m · pk^r)}. Ciphertexts add up
 * (the sum of encryptions of {@code m1, m2} is an encryption of {@code m1 + m2}), which is what a
 * tally needs; decryption gives {@code g^m}, from which small {@code m} is recovered by search.
 */
public final class ElGamal {
    private ElGamal() {}

    /** A ciphertext: {@code c1 = g^r}, {@code c2 = M · pk^r}. */
    public record Ciphertext(Element c1, Element c2) {
        public Ciphertext add(Ciphertext other) {
            return new Ciphertext(c1.add(other.c1), c2.add(other.c2));
        }

        /**
         * The ciphertext of {@code m1 - m2} from those of {@code m1} and {@code m2}: what takes a
         * replaced ballot back out of a running sum.
         */
        public Ciphertext subtract(Ciphertext other) {
            return new Ciphertext(c1.subtract(other.c1), c2.subtract(other.c2));
        }
    }

    public static Ciphertext encrypt(Element publicKey, Element message, SecureRandom random) {
        Group group = publicKey.group();
        BigInteger r = group.randomScalar(random);
        return new Ciphertext(group.base(r), message.add(publicKey.multiply(r)));
    }

    /** Encrypts {@code g^m}. */
    public static Ciphertext encryptExponent(Element publicKey, long m, SecureRandom random) {
        return encrypt(publicKey, publicKey.group().base(BigInteger.valueOf(m)), random);
    }

    /** {@code M = c2 - c1^x}, with the whole secret {@code x} (tests; the cluster never holds it). */
    public static Element decrypt(BigInteger secret, Ciphertext c) {
        return c.c2().subtract(c.c1().multiply(secret));
    }

    /** {@code m} with {@code g^m = element} and {@code 0 <= m <= max}, found by walking; empty if none. */
    public static Optional<Long> discreteLog(Element element, long max) {
        Group group = element.group();
        Element g = group.generator();
        Element walk = group.identity();
        for (long m = 0; m <= max; m++) {
            if (walk.equals(element)) {
                return Optional.of(m);
            }
            walk = walk.add(g);
        }
        return Optional.empty();
    }
}
