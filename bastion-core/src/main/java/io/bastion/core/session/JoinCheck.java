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
 */
public final class JoinCheck {
    private final Quorums quorums;
    private final List<PublicKeyRef> replicaKeys;
    private final SignatureVerifier verifier;
    private final long lifetimeMaxMillis;

    public JoinCheck(Quorums quorums, List<PublicKeyRef> replicaKeys, SignatureVerifier verifier,
                     long lifetimeMaxMillis) {
        this.quorums = quorums;
        this.replicaKeys = List.copyOf(replicaKeys);
        this.verifier = verifier;
        this.lifetimeMaxMillis = lifetimeMaxMillis;
    }

    /** Why the Join must be refused, or {@code null} when its challenges are good at {@code nowMillis}. */
    public String refusal(JoinRequest join, long nowMillis) {
        Digest keyDigest = Challenge.keyDigest(join.key());
        Set<Integer> good = new HashSet<>();
        String firstProblem = null;
        for (Envelope<Challenge> signed : join.challenges()) {
            String problem = problem(signed, keyDigest, join.nonceUnsafe(), nowMillis);
            if (problem == null) {
                good.add(signed.message().replicaId());
            } else if (firstProblem == null) {
                firstProblem = problem;
            }
        }
        if (good.size() >= quorums.joinChallenges()) {
            return null;
        }
        return "join needs valid challenges from " + quorums.joinChallenges() + " distinct replicas, has "
                + good.size() + (firstProblem == null ? "" : " (" + firstProblem + ")");
    }

    private String problem(Envelope<Challenge> signed, Digest keyDigest, byte[] nonce, long nowMillis) {
        Challenge c = signed.message();
        if (c.replicaId() < 0 || c.replicaId() >= replicaKeys.size()) {
            return "challenge from unknown replica " + c.replicaId();
        }
        if (!c.keyDigest().equals(keyDigest) || !Arrays.equals(c.nonceUnsafe(), nonce)) {
            return "challenge of replica " + c.replicaId() + " was issued to another key or nonce";
        }
        if (c.expiresMillis() < nowMillis) {
            return "challenge of replica " + c.replicaId() + " expired";
        }
        if (c.expiresMillis() - nowMillis > lifetimeMaxMillis) {
            return "challenge of replica " + c.replicaId() + " claims to be valid too long";
        }
        if (!verifier.verify(replicaKeys.get(c.replicaId()), signed.encodedUnsafe(), signed.signatureUnsafe())) {
            return "challenge of replica " + c.replicaId() + " has a bad signature";
        }
        return null;
    }
}
