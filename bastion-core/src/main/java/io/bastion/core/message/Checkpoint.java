package io.bastion.core.message;

import io.bastion.core.crypto.Digest;

/** A replica's digest of the replicated state after executing every batch up to {@code seq}. */
public record Checkpoint(int replicaId, long seq, Digest stateDigest) implements Message {
    @Override
    public MessageType type() {
        return MessageType.CHECKPOINT;
    }
}
