package io.bastion.server.runtime;

import io.bastion.core.message.Signed;

/**
 * Where a replica's outgoing messages go: its peers and its clients. Implemented over Netty TCP
 * in production and in memory in tests. All methods are thread-safe and must not block.
 */
public interface ReplicaTransport {
    void send(int replicaId, Signed<?> message);

    void broadcast(Signed<?> message);

    void sendToClient(long clientId, Signed<?> message);
}
