package io.bastion.core.message;

import java.util.List;

/**
 * Asks a peer for the replicated state at checkpoint {@code seq}: its manifest (the list of chunk
 * digests) when {@code chunks} is empty, else those chunks.
 */
public record FetchState(int replicaId, long seq, List<Integer> chunks) implements Message {
    public FetchState {
        chunks = List.copyOf(chunks);
    }

    @Override
    public MessageType type() {
        return MessageType.FETCH_STATE;
    }
}
