package io.bastion.core.message;

import io.bastion.core.crypto.Digest;

/** A backup's acceptance of the pre-prepare with {@code batchDigest} at (view, seq). */
public record Prepare(int replicaId, int view, long seq, Digest batchDigest) implements Message {
    @Override
    public MessageType type() {
        return MessageType.PREPARE;
    }
}
