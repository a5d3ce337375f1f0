package io.bastion.core.message;

import io.bastion.core.crypto.Digest;
import io.bastion.core.crypto.PublicKeyRef;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * A replica's signed answer to a {@link Hello}: "the key with this digest asked me with this
 * nonce; valid until {@code expiresMillis}". A Join needs such challenges from 2f+1 distinct
 * replicas, so a client cannot join without a quorum hearing from it, and f lying replicas
 * cannot stop it. Nothing is stored when one is issued.
 */
public record Challenge(int replicaId, Digest keyDigest, byte[] nonce, long expiresMillis) implements Message {
    public Challenge {
        Objects.requireNonNull(keyDigest, "keyDigest");
        nonce = nonce.clone();
    }

    /** The digest a challenge binds: SHA-256 of the algorithm code and the raw key. */
    public static Digest keyDigest(PublicKeyRef key) {
        byte[] raw = key.rawUnsafe();
        return Digest.sha256(ByteBuffer.allocate(1 + raw.length).put((byte) key.algorithm().ordinal()).put(raw)
                .array());
    }

    @Override
    public MessageType type() {
        return MessageType.CHALLENGE;
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
    public boolean equals(Object o) {
        return o instanceof Challenge c && c.replicaId == replicaId && c.keyDigest.equals(keyDigest)
                && Arrays.equals(c.nonce, nonce) && c.expiresMillis == expiresMillis;
    }

    @Override
    public int hashCode() {
        return keyDigest.hashCode() * 31 + replicaId;
    }

    @Override
    public String toString() {
        return "Challenge[replica=" + replicaId + ", key=" + keyDigest + ", expires=" + expiresMillis + "]";
    }
}
