package io.bastion.core.message;

import io.bastion.core.crypto.Digest;

import java.util.List;

/**
 * The chunk digests (Merkle leaves) of the state at checkpoint {@code seq}; their Merkle root is
 * the checkpoint's state digest, which is how the receiver checks them.
 */
public record StateManifest(int replicaId, long seq, List<Digest> leaves) implements Message {
    public StateManifest {
        leaves = List.copyOf(leaves);
    }

    @Override
    public MessageType type() {
        return MessageType.STATE_MANIFEST;
    }
}
