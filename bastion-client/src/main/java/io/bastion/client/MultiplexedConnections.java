package io.bastion.client;

import io.bastion.core.config.ClusterConfig;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.message.Signed;
import io.bastion.net.NetSettings;
import io.bastion.net.connector.ClusterConnector;
import io.netty.channel.EventLoopGroup;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * One connection per replica shared by every client of a process: replies are routed by client
 * id. Replicas bind a client id to the connection its requests arrive on, so many clients can
 * share one; the gain is fewer sockets and fewer system calls, since a replica writes the replies
 * of a whole batch to one connection with one flush. Thread-safe.
 */
final class MultiplexedConnections implements AutoCloseable {
    private final ClusterConnector connector;
    private final Map<Long, Consumer<Reply>> routes = new ConcurrentHashMap<>();

    MultiplexedConnections(ClusterConfig config, NetSettings settings, EventLoopGroup group) {
        this.connector = new ClusterConnector(config, settings, group, (replicaId, message) -> {
            if (message.message() instanceof Reply reply && reply.replicaId() == replicaId) {
                Consumer<Reply> route = routes.get(reply.clientId());
                if (route != null) {
                    route.accept(reply);
                }
            }
        });
        connector.start();
    }

    /** A transport for one client over the shared connections. */
    ClientTransport transportFor(long clientId) {
        return new ClientTransport() {
            @Override
            public void start(Consumer<Reply> replies) {
                if (routes.putIfAbsent(clientId, replies) != null) {
                    throw new IllegalStateException("client " + clientId + " is already connected in this group");
                }
            }

            @Override
            public void broadcast(Signed<Request> request) {
                connector.broadcast(request);
            }

            @Override
            public int connectedReplicas() {
                return connector.connectedCount();
            }

            @Override
            public void close() {
                routes.remove(clientId);
            }
        };
    }

    @Override
    public void close() {
        connector.close();
    }
}
