package io.bastion.threshold;

import java.math.BigInteger;
import java.security.SecureRandom;

/**
 * A Chaum–Pedersen proof that two elements share one discrete logarithm: that {@code A = g^x} and
 * {@code B = h^x} for the same secret {@code x}, without revealing it. A replica proves with it
 * that its decryption or coin share {@code h^x} used the share {@code x} behind its public
 * verification key {@code g^x}, so a wrong share is rejected by everyone, deterministically.
 * Non-interactive by Fiat–Shamir over a context string that binds the proof to its use.
 */
public record DleqProof(BigInteger challenge, BigInteger response) {
    private static final String DOMAIN = "bastion-threshold-dleq-v1";

    /** Proves {@code log_g(g^x) = log_h(h^x)} for the secret {@code x}. */
    public static DleqProof prove(Element g, Element h, BigInteger x, byte[] context, SecureRandom random) {
        return prove(g, h, g.multiply(x), h.multiply(x), x, context, random);
    }

    /** As above, when {@code a = g^x} and {@code b = h^x} are at hand already (saves two multiplications). */
    public static DleqProof prove(Element g, Element h, Element a, Element b, BigInteger x, byte[] context,
                                  SecureRandom random) {
        Group group = g.group();
        BigInteger k = group.randomScalar(random);
        BigInteger c = challenge(g, h, a, b, g.multiply(k), h.multiply(k), context);
        return new DleqProof(c, group.reduce(k.subtract(c.multiply(x))));
    }

    /** Whether this proves {@code log_g(a) = log_h(b)} under {@code context}. */
    public boolean verifies(Element g, Element h, Element a, Element b, byte[] context) {
        Group group = g.group();
        if (challenge.signum() < 0 || challenge.compareTo(group.order()) >= 0
                || response.signum() < 0 || response.compareTo(group.order()) >= 0) {
            return false;
        }
        Element commitG = g.multiply(response).add(a.multiply(challenge));
        Element commitH = h.multiply(response).add(b.multiply(challenge));
        return challenge.equals(challenge(g, h, a, b, commitG, commitH, context));
    }

    private static BigInteger challenge(Element g, Element h, Element a, Element b, Element commitG, Element commitH,
                                        byte[] context) {
        return new Transcript(DOMAIN).add(context).add(g).add(h).add(a).add(b).add(commitG).add(commitH)
                .challenge(g.group());
    }
}
