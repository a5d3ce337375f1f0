package io.bastion.threshold;

import java.math.BigInteger;
import java.security.SecureRandom;

/**
 * A Schnorr proof of knowledge of {@code x} behind {@code y = g^x}, bound to a context. A dealer
 * proves it knows the constant term of its polynomial, so that it cannot choose its commitment as
 * a function of the others' (the rogue-key attack on joint key generation).
 */
public record SchnorrProof(BigInteger challenge, BigInteger response) {
    private static final String DOMAIN = "bastion-threshold-schnorr-pok-v1";

    public static SchnorrProof prove(Group group, BigInteger x, byte[] context, SecureRandom random) {
        BigInteger k = group.randomScalar(random);
        BigInteger c = challenge(group.base(x), group.base(k), context);
        return new SchnorrProof(c, group.reduce(k.subtract(c.multiply(x))));
    }

    public boolean verifies(Element y, byte[] context) {
        Group group = y.group();
        if (challenge.signum() < 0 || challenge.compareTo(group.order()) >= 0
                || response.signum() < 0 || response.compareTo(group.order()) >= 0) {
            return false;
        }
        Element commit = group.base(response).add(y.multiply(challenge));
        return challenge.equals(challenge(y, commit, context));
    }

    private static BigInteger challenge(Element y, Element commit, byte[] context) {
        return new Transcript(DOMAIN).add(context).add(y.group().generator()).add(y).add(commit).challenge(y.group());
    }
}
