package io.bastion.core.message;

import java.util.List;

/** Client-signed requests forwarded by a peer, in answer to {@link FetchRequests}. */
public record RequestBodies(int replicaId, List<Envelope<Request>> requests) implements Message {
    public RequestBodies {
        requests = List.copyOf(requests);
    }

    @Override
    public MessageType type() {
        return MessageType.REQUEST_BODIES;
    }
}
