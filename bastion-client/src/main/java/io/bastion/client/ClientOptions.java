package io.bastion.client;

import java.time.Duration;

/**
 * Client tunables.
 *
 * @param requestTimeout      give up on a request after this long
 * @param retransmitInitial   first retransmission after this long without a quorum of replies
 * @param retransmitMax       retransmission back-off stops doubling here
 * @param unreachableAfter    fail fast when fewer than f+1 replicas were connected for this long
 * @param pendingMax          most requests queued behind the outstanding one
 */
public record ClientOptions(Duration requestTimeout, Duration retransmitInitial, Duration retransmitMax,
                            Duration unreachableAfter, int pendingMax) {
    public static ClientOptions defaults() {
        return new ClientOptions(Duration.ofSeconds(30), Duration.ofMillis(500), Duration.ofSeconds(4),
                Duration.ofSeconds(5), 10_000);
    }

    public ClientOptions withRequestTimeout(Duration timeout) {
        return new ClientOptions(timeout, retransmitInitial, retransmitMax, unreachableAfter, pendingMax);
    }

    public ClientOptions withUnreachableAfter(Duration d) {
        return new ClientOptions(requestTimeout, retransmitInitial, retransmitMax, d, pendingMax);
    }
}
