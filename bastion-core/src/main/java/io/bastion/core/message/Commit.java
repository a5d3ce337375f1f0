package io.bastion.core.message;

import io.bastion.core.crypto.Digest;

/**
 * A replica's statement that (view, seq, batchDigest) is prepared at it. Authenticated by the
 * replica connection it arrives on, not signed: a COMMIT is no evidence in a view change, so only
 * its author ever sends it (see {@link Decided} for what a replica tells a peer that missed them).
 */
public record Commit(int replicaId, int view, long seq, Digest batchDigest) implements Message {
    @Override
    public MessageType type() {
        return MessageType.COMMIT;
    }
}
