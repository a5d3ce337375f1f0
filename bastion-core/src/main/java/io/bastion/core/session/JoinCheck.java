package io.bastion.core.session;

import io.bastion.core.crypto.Digest;
import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.crypto.SignatureVerifier;
import io.bastion.core.message.Challenge;
import io.bastion.core.message.Envelope;
import io.bastion.core.quorum.Quorums;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The checks every replica applies to a Join when it executes it, on nothing but the Join and
 * the batch's agreed time, so all correct replicas reach the same verdict: 2f+1 challenges from
 * distinct replicas, each signed by its replica, bound to the Join's key and nonce, not expired
 * and not valid implausibly long. Thread-safe if the verifier is.
 *
 * <p>A replica screening a Join before it is ordered applies the same rules with a slack in the
 * Join's favour ({@link #withSlack}): the agreed time it will execute at may differ from the
 * replica's clock by the cluster's clock skew.
 */
public final class JoinCheck {
    /** What is wrong with one challenge, in the order the checks run. */
    public enum Problem { UNKNOWN_REPLICA, MISBOUND, EXPIRED, LIFETIME_TOO_LONG, BAD_SIGNATURE }

    private final Quorums quorums;
    private final List<PublicKeyRef> replicaKeys;
    private final SignatureVerifier verifier;
    private final long lifetimeMaxMillis;
    private final long slackMillis;

    public JoinCheck(Quorums quorums, List<PublicKeyRef> replicaKeys, SignatureVerifier verifier,
                     long lifetimeMaxMillis) {
        this(quorums, replicaKeys, verifier, lifetimeMaxMillis, 0);
    }

    private JoinCheck(Quorums quorums, List<PublicKeyRef> replicaKeys, SignatureVerifier verifier,
                      long lifetimeMaxMillis, long slackMillis) {
        this.quorums = quorums;
        this.replicaKeys = List.copyOf(replicaKeys);
        this.verifier = verifier;
        this.lifetimeMaxMillis = lifetimeMaxMillis;
        this.slackMillis = slackMillis;
    }

    /** The same checks with times allowed {@code slackMillis} either way in the Join's favour. */
    public JoinCheck withSlack(long slackMillis) {
        return new JoinCheck(quorums, replicaKeys, verifier, lifetimeMaxMillis, slackMillis);
    }

    /** Why the Join must be refused, or {@code null} when its challenges are good at {@code nowMillis}. */
    public String refusal(JoinRequest join, long nowMillis) {
        Digest keyDigest = Challenge.keyDigest(join.key());
        Set<Integer> good = new HashSet<>();
        String firstProblem = null;
        for (Envelope<Challenge> signed : join.challenges()) {
            Problem problem = problem(signed, keyDigest, join.nonceUnsafe(), nowMillis, true);
            if (problem == null) {
                good.add(signed.message().replicaId());
            } else if (firstProblem == null) {
                firstProblem = describe(problem, signed.message().replicaId());
            }
        }
        if (good.size() >= quorums.joinChallenges()) {
            return null;
        }
        return "join needs valid challenges from " + quorums.joinChallenges() + " distinct replicas, has "
                + good.size() + (firstProblem == null ? "" : " (" + firstProblem + ")");
    }

    /**
     * Whether the Join carries {@link Quorums#joinChallenges()} challenges of distinct replicas
     * without a problem; signatures are checked only when {@code checkSignatures}.
     */
    public boolean enoughChallenges(JoinRequest join, long nowMillis, boolean checkSignatures) {
        Digest keyDigest = Challenge.keyDigest(join.key());
        Set<Integer> good = new HashSet<>();
        for (Envelope<Challenge> signed : join.challenges()) {
            if (!good.contains(signed.message().replicaId())
                    && problem(signed, keyDigest, join.nonceUnsafe(), nowMillis, checkSignatures) == null) {
                good.add(signed.message().replicaId());
                if (good.size() >= quorums.joinChallenges()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** What is wrong with one challenge of a Join with this key digest and nonce, or {@code null}. */
    public Problem problem(Envelope<Challenge> signed, Digest keyDigest, byte[] nonce, long nowMillis,
                           boolean checkSignature) {
        Challenge c = signed.message();
        if (c.replicaId() < 0 || c.replicaId() >= replicaKeys.size()) {
            return Problem.UNKNOWN_REPLICA;
        }
        if (!c.keyDigest().equals(keyDigest) || !Arrays.equals(c.nonceUnsafe(), nonce)) {
            return Problem.MISBOUND;
        }
        if (c.expiresMillis() + slackMillis < nowMillis) {
            return Problem.EXPIRED;
        }
        if (c.expiresMillis() - nowMillis > lifetimeMaxMillis + slackMillis) {
            return Problem.LIFETIME_TOO_LONG;
        }
        if (checkSignature && !signatureValid(signed)) {
            return Problem.BAD_SIGNATURE;
        }
        return null;
    }

    /** Whether the challenge's signature verifies under the key of the replica it names (a known one). */
    public boolean signatureValid(Envelope<Challenge> signed) {
        return verifier.verify(replicaKeys.get(signed.message().replicaId()), signed.encodedUnsafe(),
                signed.signatureUnsafe());
    }

    private static String describe(Problem problem, int replicaId) {
        return switch (problem) {
            case UNKNOWN_REPLICA -> "challenge from unknown replica " + replicaId;
            case MISBOUND -> "challenge of replica " + replicaId + " was issued to another key or nonce";
            case EXPIRED -> "challenge of replica " + replicaId + " expired";
            case LIFETIME_TOO_LONG -> "challenge of replica " + replicaId + " claims to be valid too long";
            case BAD_SIGNATURE -> "challenge of replica " + replicaId + " has a bad signature";
        };
    }
}
