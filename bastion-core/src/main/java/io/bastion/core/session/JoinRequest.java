package io.bastion.core.session;

import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.message.Challenge;
import io.bastion.core.message.Envelope;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What a Join request carries as its operation: the client's key, the nonce of its Hello, its
 * application credentials and the challenges replicas signed for it. The request itself is
 * signed with {@code key}; its client id is {@link #provisionalClientId} of the key (replies are
 * routed by it until the Join assigns the real id). Encoded by {@code Codec.encodeJoin}.
 */
public record JoinRequest(PublicKeyRef key, byte[] nonce, byte[] credentials, List<Envelope<Challenge>> challenges) {
    /** At most this many challenges are carried (more than any cluster's n needs). */
    public static final int CHALLENGES_MAX = 64;

    public JoinRequest {
        Objects.requireNonNull(key, "key");
        nonce = nonce.clone();
        credentials = credentials.clone();
        challenges = List.copyOf(challenges);
    }

    /**
     * The negative id a joining client's requests carry: derived from its key, so replicas route
     * the Join's reply back and no registered client's id (always positive) can be taken.
     */
    public static long provisionalClientId(PublicKeyRef key) {
        long bits = ByteBuffer.wrap(Challenge.keyDigest(key).toBytes()).getLong();
        return -1 - (bits & Long.MAX_VALUE);
    }

    @Override
    public byte[] nonce() {
        return nonce.clone();
    }

    /** The nonce without a copy; callers must not modify it. */
    public byte[] nonceUnsafe() {
        return nonce;
    }

    @Override
    public byte[] credentials() {
        return credentials.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JoinRequest j && j.key.equals(key) && Arrays.equals(j.nonce, nonce)
                && Arrays.equals(j.credentials, credentials) && j.challenges.equals(challenges);
    }

    @Override
    public int hashCode() {
        return key.hashCode() * 31 + Arrays.hashCode(nonce);
    }

    @Override
    public String toString() {
        return "JoinRequest[" + key.algorithm() + ", " + challenges.size() + " challenges]";
    }
}
