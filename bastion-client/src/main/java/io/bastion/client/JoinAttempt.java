package io.bastion.client;

import io.bastion.core.config.ClusterConfig;
import io.bastion.core.crypto.Digest;
import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.crypto.SignatureVerifier;
import io.bastion.core.message.Challenge;
import io.bastion.core.message.Hello;
import io.bastion.core.message.Envelope;
import io.bastion.core.session.JoinRequest;
import io.bastion.core.session.SessionSettings;
import io.bastion.core.util.Check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * One attempt of a dynamic client to join: the Hello it sends to every replica, the challenges it
 * keeps, and the Join it builds once {@code 2f+1} good ones are in. A challenge counts only if it
 * comes on the connection of the replica that signed it, verifies under that replica's key from
 * the cluster file, is bound to this attempt's key and nonce, and leaves a margin of its validity
 * on the local clock; a faulty replica may answer garbage or not at all, and f of them cannot
 * stop the Join. Whether the Join is accepted is then up to the ordered execution.
 *
 * <p>Phases: {@link Phase#COLLECTING} until {@link #join()} is taken, then {@link Phase#JOINING}.
 * Time comes in as {@code nowMillis}; the nonce is the caller's. Owned by one thread.
 */
final class JoinAttempt {
    enum Phase { COLLECTING, JOINING }

    private final ClusterConfig config;
    private final SignatureVerifier verifier;
    private final PublicKeyRef key;
    private final Digest keyDigest;
    private final byte[] nonce;
    private final byte[] credentials;
    private final long marginMillis;
    private final TreeMap<Integer, Envelope<Challenge>> good = new TreeMap<>();
    private int refused;
    private Phase phase = Phase.COLLECTING;

    JoinAttempt(ClusterConfig config, SignatureVerifier verifier, PublicKeyRef key, byte[] nonce, byte[] credentials) {
        Check.argument(nonce.length >= Hello.NONCE_BYTES_MIN && nonce.length <= Hello.NONCE_BYTES_MAX,
                "a Hello nonce has " + Hello.NONCE_BYTES_MIN + ".." + Hello.NONCE_BYTES_MAX + " bytes");
        Check.argument(credentials.length <= Hello.CREDENTIALS_BYTES_MAX,
                "credentials may have at most " + Hello.CREDENTIALS_BYTES_MAX + " bytes");
        this.config = config;
        this.verifier = verifier;
        this.key = key;
        this.keyDigest = Challenge.keyDigest(key);
        this.nonce = nonce.clone();
        this.credentials = credentials.clone();
        // a challenge must stay valid long enough for the Join to be ordered, however replicas' clocks differ a bit
        this.marginMillis = config.settings().sessions().challengeLifetimeMillis() / 4;
    }

    Phase phase() {
        return phase;
    }

    /** The Hello to send (again, unchanged, while challenges are missing). */
    Envelope<Hello> hello() {
        return Envelope.unsigned(new Hello(key, nonce, credentials));
    }

    /**
     * A challenge arrived on the connection to {@code replicaId}; returns whether it counts. A
     * replica's later good challenge replaces its earlier one.
     */
    boolean onChallenge(int replicaId, Envelope<Challenge> signed, long nowMillis) {
        if (phase != Phase.COLLECTING) {
            return false;
        }
        if (!good(replicaId, signed, nowMillis)) {
            refused++;
            return false;
        }
        good.put(replicaId, signed);
        return true;
    }

    private boolean good(int replicaId, Envelope<Challenge> signed, long nowMillis) {
        Challenge c = signed.message();
        SessionSettings sessions = config.settings().sessions();
        return c.replicaId() == replicaId && replicaId >= 0 && replicaId < config.n()
                && c.keyDigest().equals(keyDigest) && Arrays.equals(c.nonceUnsafe(), nonce)
                && c.expiresMillis() - nowMillis >= marginMillis
                && c.expiresMillis() - nowMillis <= sessions.challengeLifetimeMaxMillis() - marginMillis
                && verifier.verify(config.replica(replicaId).publicKey(), signed.encodedUnsafe(),
                signed.signatureUnsafe());
    }

    /** Whether enough good challenges are in to build the Join. */
    boolean ready() {
        return good.size() >= config.quorums().joinChallenges();
    }

    /** Good challenges kept, from distinct replicas. */
    int goodChallenges() {
        return good.size();
    }

    /** Challenges that did not count (bad signature, another key or nonce, implausible validity, ...). */
    int refusedChallenges() {
        return refused;
    }

    /** The Join carrying every good challenge; the attempt moves on to {@link Phase#JOINING}. */
    JoinRequest join() {
        Check.that(phase == Phase.COLLECTING && ready(), "a join is built once, from %d challenges",
                config.quorums().joinChallenges());
        phase = Phase.JOINING;
        return new JoinRequest(key, nonce, credentials, new ArrayList<>(good.values()));
    }

    /** The provisional id the Join and its replies carry. */
    long provisionalClientId() {
        return JoinRequest.provisionalClientId(key);
    }

    List<Integer> answeringReplicas() {
        return List.copyOf(good.keySet());
    }
}
