package io.bastion.core.message;

import io.bastion.core.crypto.Digest;

import java.util.List;

/** Asks a peer for the bodies of requests a pre-prepare ordered but this replica never received. */
public record FetchRequests(int replicaId, List<Digest> requestDigests) implements Message {
    public FetchRequests {
        requestDigests = List.copyOf(requestDigests);
    }

    @Override
    public MessageType type() {
        return MessageType.FETCH_REQUESTS;
    }
}
