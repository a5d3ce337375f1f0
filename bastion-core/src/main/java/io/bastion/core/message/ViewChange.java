package io.bastion.core.message;

import io.bastion.core.crypto.Digest;

import java.util.List;

/**
 * A replica's request to move to {@code newView}: its last stable checkpoint with the 2f+1
 * signed CHECKPOINTs proving it, and a proof for every batch above it that prepared here.
 * Signed by {@code replicaId}.
 */
public record ViewChange(int replicaId, int newView, long stableSeq, Digest stableDigest,
                         List<Envelope<Checkpoint>> checkpointProof, List<PreparedProof> prepared) implements Message {
    public ViewChange {
        checkpointProof = List.copyOf(checkpointProof);
        prepared = List.copyOf(prepared);
    }

    @Override
    public MessageType type() {
        return MessageType.VIEW_CHANGE;
    }
}
