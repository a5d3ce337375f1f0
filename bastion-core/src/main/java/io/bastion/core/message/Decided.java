package io.bastion.core.message;

import io.bastion.core.crypto.Digest;

/**
 * A replica's statement that the batch with {@code batchDigest} is decided at {@code seq} here:
 * committed (2f+1 matching COMMITs of one view) or executed. Sent only by its author, over its
 * own replica connection, in answer to a peer's STATUS; never relayed, so it carries no
 * signature. f+1 replicas saying so include a correct one, so the batch is decided: that is how
 * a replica that cannot count 2f+1 COMMITs itself (it left the view) learns it.
 */
public record Decided(int replicaId, long seq, Digest batchDigest) implements Message {
    @Override
    public MessageType type() {
        return MessageType.DECIDED;
    }
}
