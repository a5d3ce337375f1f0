package io.bastion.core.message;

import io.bastion.core.crypto.Digest;

/** A replica's statement that (view, seq, batchDigest) is prepared at it. */
public record Commit(int replicaId, int view, long seq, Digest batchDigest) implements Message {
    @Override
    public MessageType type() {
        return MessageType.COMMIT;
    }
}
