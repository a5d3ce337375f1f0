package io.bastion.sim;

import io.bastion.core.config.ClusterConfig;
import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.message.Challenge;
import io.bastion.core.message.Codec;
import io.bastion.core.message.Envelope;
import io.bastion.core.session.JoinRequest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * The challenges one Hello of a joining simulated client earned, kept until there are enough for a
 * Join: only those that answer this Hello (its nonce, its key) and that the named replica signed,
 * one per replica. A faulty replica's challenge is signed with another key and left out.
 */
public final class JoinChallenges {
    private final ClusterConfig config;
    private final PublicKeyRef key;
    private final byte[] nonce;
    private final Map<Integer, Envelope<Challenge>> kept = new TreeMap<>();

    public JoinChallenges(ClusterConfig config, PublicKeyRef key, byte[] nonce) {
        this.config = config;
        this.key = key;
        this.nonce = nonce.clone();
    }

    /** Keeps {@code signed} if it answers this Hello and checks out; whether a Join can now be made. */
    public boolean add(Envelope<Challenge> signed) {
        Challenge c = signed.message();
        if (!Arrays.equals(c.nonceUnsafe(), nonce) || !c.keyDigest().equals(Challenge.keyDigest(key))
                || c.replicaId() < 0 || c.replicaId() >= config.n()
                || !SimulatedKeys.VERIFIER.verify(config.replica(c.replicaId()).publicKey(), signed.encodedUnsafe(),
                        signed.signatureUnsafe())) {
            return false; // a faulty replica's challenge, or a stale one
        }
        kept.put(c.replicaId(), signed);
        return enough();
    }

    public boolean enough() {
        return kept.size() >= config.quorums().joinChallenges();
    }

    /** The operation of the Join request: the key, the nonce, {@code credentials} and the challenges kept. */
    public byte[] join(byte[] credentials) {
        if (!enough()) {
            throw new IllegalStateException("a Join needs " + config.quorums().joinChallenges() + " challenges, "
                    + kept.size() + " kept");
        }
        return Codec.encodeJoin(new JoinRequest(key, nonce, credentials, new ArrayList<>(kept.values())));
    }
}
