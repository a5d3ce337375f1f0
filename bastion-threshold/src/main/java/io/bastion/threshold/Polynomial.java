package io.bastion.threshold;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A polynomial over the scalars of a group, for Shamir sharing: {@code f(x) = a0 + a1·x + … }
 * with degree t-1, so that any t values f(1..n) give f(0) and fewer reveal nothing about it.
 * Participants are numbered from 1 (replica i holds f(i+1)). Immutable.
 */
public record Polynomial(Group group, List<BigInteger> coefficients) {
    public Polynomial {
        coefficients = List.copyOf(coefficients);
        if (coefficients.isEmpty()) {
            throw new IllegalArgumentException("a polynomial needs at least its constant term");
        }
    }

    /** A random polynomial of {@code threshold - 1} degree with constant term {@code secret}. */
    public static Polynomial random(Group group, BigInteger secret, int threshold, SecureRandom random) {
        List<BigInteger> a = new ArrayList<>(threshold);
        a.add(group.reduce(secret));
        for (int k = 1; k < threshold; k++) {
            a.add(group.randomScalar(random));
        }
        return new Polynomial(group, a);
    }

    public BigInteger constant() {
        return coefficients.get(0);
    }

    /** f(x), by Horner's rule. */
    public BigInteger evaluate(BigInteger x) {
        BigInteger y = BigInteger.ZERO;
        for (int k = coefficients.size() - 1; k >= 0; k--) {
            y = y.multiply(x).add(coefficients.get(k)).mod(group.order());
        }
        return y;
    }

    /** Feldman's commitments g^{a_k}: anyone can check a share against them. */
    public List<Element> commitments() {
        return coefficients.stream().map(group::base).toList();
    }

    /** g^{f(x)} from Feldman commitments, without knowing f. */
    public static Element evaluateInExponent(List<Element> commitments, BigInteger x) {
        Group group = commitments.get(0).group();
        Element y = group.identity();
        for (int k = commitments.size() - 1; k >= 0; k--) {
            y = y.multiply(x).add(commitments.get(k));
        }
        return y;
    }

    /**
     * The Lagrange coefficient of participant {@code x} for interpolating at 0 from the points
     * {@code xs} (which must contain {@code x}, all distinct and nonzero).
     */
    public static BigInteger lagrangeAtZero(Group group, Collection<BigInteger> xs, BigInteger x) {
        BigInteger q = group.order();
        BigInteger numerator = BigInteger.ONE;
        BigInteger denominator = BigInteger.ONE;
        boolean found = false;
        for (BigInteger xj : xs) {
            if (xj.equals(x)) {
                found = true;
                continue;
            }
            numerator = numerator.multiply(xj).mod(q);
            denominator = denominator.multiply(xj.subtract(x)).mod(q);
        }
        if (!found) {
            throw new IllegalArgumentException("participant " + x + " is not among " + xs);
        }
        if (denominator.signum() == 0) {
            throw new IllegalArgumentException("participants must be distinct");
        }
        return numerator.multiply(denominator.modInverse(q)).mod(q);
    }
}
