package io.bastion.client;

import io.bastion.core.config.ClusterConfig;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.message.Signed;
import io.bastion.net.NetSettings;
import io.bastion.net.connector.ClusterConnector;
import io.netty.channel.EventLoopGroup;

import java.util.function.Consumer;

/**
 * The TCP transport of a client: one connection to every replica's client port, reconnecting with
 * back-off. A connection to replica r only delivers replies that claim to come from r. Thread-safe.
 */
public final class NettyClientTransport implements ClientTransport {
    private final ClusterConfig config;
    private final NetSettings settings;
    private final EventLoopGroup group;
    private ClusterConnector connector;

    /** @param group shared event loops, owned by the caller; {@code null} for a group of its own */
    public NettyClientTransport(ClusterConfig config, NetSettings settings, EventLoopGroup group) {
        this.config = config;
        this.settings = settings;
        this.group = group;
    }

    @Override
    public void start(Consumer<Reply> replies) {
        io.bastion.net.connector.ReplicaMessageHandler handler = (replicaId, message) -> {
            if (message.message() instanceof Reply reply && reply.replicaId() == replicaId) {
                replies.accept(reply);
            }
        };
        connector = group == null ? new ClusterConnector(config, settings, handler)
                : new ClusterConnector(config, settings, group, handler);
        connector.start();
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
        if (connector != null) {
            connector.close();
        }
    }
}
