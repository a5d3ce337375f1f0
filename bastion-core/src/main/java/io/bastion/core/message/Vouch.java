package io.bastion.core.message;

import java.util.ArrayList;
import java.util.List;

/**
 * MAC client mode: "these requests are authentic to me" (their tag for this replica checked, or f+1
 * peers vouched for them). A replica broadcasts it for each MAC-mode request it holds in its pool,
 * when the request arrives and again whenever it relays it. Unsigned: the mesh connection
 * authenticates the sender. A primary proposes a MAC-mode request only once 2f+1 replicas vouched
 * for it; a backup accepts a body it could not check once f+1 did. Each request is named as in a
 * batch (client, number, digest), so that vouchers arriving after it executed are ignored.
 */
public record Vouch(int replicaId, List<BatchEntry> requests) implements Message {
    /** Most requests in one message (more go in further messages). */
    public static final int REQUESTS_MAX = 1_024;

    public Vouch {
        requests = List.copyOf(requests);
    }

    /** {@code requests} as VOUCH messages of {@code replicaId}, at most {@link #REQUESTS_MAX} requests each, in order. */
    public static List<Vouch> split(int replicaId, List<BatchEntry> requests) {
        List<Vouch> messages = new ArrayList<>();
        for (int from = 0; from < requests.size(); from += REQUESTS_MAX) {
            messages.add(new Vouch(replicaId, requests.subList(from, Math.min(requests.size(), from + REQUESTS_MAX))));
        }
        return messages;
    }

    @Override
    public MessageType type() {
        return MessageType.VOUCH;
    }
}
