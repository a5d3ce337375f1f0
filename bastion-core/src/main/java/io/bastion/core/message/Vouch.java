package io.bastion.core.message;

import io.bastion.core.crypto.Digest;

import java.util.List;

/**
 * MAC client mode: "these requests are authentic to me" (their tag for this replica checked, or f+1
 * peers vouched for them). A replica broadcasts it for each MAC-mode request it holds in its pool,
 * when the request arrives and again whenever it relays it. Unsigned: the mesh connection
 * authenticates the sender. A primary proposes a MAC-mode request only once 2f+1 replicas vouched
 * for it; a backup accepts a body it could not check once f+1 did.
 */
public record Vouch(int replicaId, List<Digest> requestDigests) implements Message {
    /** Most digests in one message (more go in further messages). */
    public static final int DIGESTS_MAX = 1_024;

    public Vouch {
        requestDigests = List.copyOf(requestDigests);
    }

    @Override
    public MessageType type() {
        return MessageType.VOUCH;
    }
}
