package io.bastion.server.runtime;

import io.bastion.core.message.Envelope;

/**
 * Where a replica's outgoing messages go: its peers and its clients. Implemented over Netty TCP
 * in production and in memory in tests. All methods are thread-safe and must not block.
 */
public interface ReplicaTransport {
    void send(int replicaId, Envelope<?> message);

    void broadcast(Envelope<?> message);

    void sendToClient(long clientId, Envelope<?> message);

    /**
     * The replica forgot {@code clientId} (its session ended, or it was a Join's provisional id
     * whose answer left): the route to it may go, keeping the routing table as small as the set
     * of clients the replica knows. Called after that client's replies were handed to
     * {@link #sendToClient}.
     */
    default void forgetClient(long clientId) {}
}
