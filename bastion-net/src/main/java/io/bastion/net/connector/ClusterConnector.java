package io.bastion.net.connector;

import io.bastion.core.config.ClusterConfig;
import io.bastion.core.config.ReplicaInfo;
import io.bastion.core.message.Envelope;
import io.bastion.core.util.Check;
import io.bastion.net.NetSettings;
import io.bastion.net.TransportCounters;
import io.bastion.net.channel.EventLoopLease;
import io.bastion.net.tls.ClientSecurity;
import io.netty.channel.EventLoopGroup;

import java.net.InetSocketAddress;

/**
 * A client process's connections to every replica of a cluster: one {@link ClientConnector} per
 * replica's client port, secured as {@link ClientSecurity} says, sharing one event-loop group and one set of counters. Clients send to
 * all replicas by default, hence {@link #broadcast}.
 *
 * <p>Thread-safety: as {@link ClientConnector}: sending and queries from any thread;
 * {@link #close} not on an event-loop thread.
 */
public final class ClusterConnector implements AutoCloseable {
    /** Threads of the event-loop group a cluster connector makes for itself when none is passed in. */
    public static final int OWNED_EVENT_LOOP_THREADS = 2;

    private final ClientConnector[] connectors;
    private final TransportCounters counters = new TransportCounters();
    private final EventLoopLease loops;

    /** Connectors secured by {@code security} on {@code group}, which the caller shuts down after closing this. */
    public ClusterConnector(ClusterConfig config, NetSettings settings, ClientSecurity security, EventLoopGroup group,
                            ReplicaMessageHandler handler) {
        this(config, settings, security, EventLoopLease.borrowed(group), handler);
    }

    /** Connectors secured by {@code security} on an event-loop group of their own, shut down by {@link #close}. */
    public ClusterConnector(ClusterConfig config, NetSettings settings, ClientSecurity security,
                            ReplicaMessageHandler handler) {
        this(config, settings, security, EventLoopLease.owned(OWNED_EVENT_LOOP_THREADS, "client"), handler);
    }

    private ClusterConnector(ClusterConfig config, NetSettings settings, ClientSecurity security, EventLoopLease loops,
                             ReplicaMessageHandler handler) {
        this.loops = loops;
        this.connectors = new ClientConnector[config.n()];
        EventLoopLease shared = EventLoopLease.borrowed(loops.group());
        for (ReplicaInfo replica : config.replicas()) {
            InetSocketAddress address = new InetSocketAddress(replica.host(), replica.clientPort());
            connectors[replica.id()] = new ClientConnector(replica.id(), address, settings,
                    security.forReplica(replica.id()), shared, counters, handler);
        }
    }

    /** Starts connecting to every replica; returns at once. */
    public ClusterConnector start() {
        for (ClientConnector connector : connectors) {
            connector.start();
        }
        return this;
    }

    /** Queues {@code message} for replica {@code replicaId}. Returns false if it was dropped at once. */
    public boolean send(int replicaId, Envelope<?> message) {
        Check.argument(replicaId >= 0 && replicaId < connectors.length, "no replica " + replicaId);
        return connectors[replicaId].send(message);
    }

    /** Queues {@code message} for every replica. */
    public void broadcast(Envelope<?> message) {
        for (ClientConnector connector : connectors) {
            connector.send(message);
        }
    }

    public boolean isConnected(int replicaId) {
        return connectors[replicaId].isConnected();
    }

    /** Replicas connected right now. */
    public int connectedCount() {
        int connected = 0;
        for (ClientConnector connector : connectors) {
            connected += connector.isConnected() ? 1 : 0;
        }
        return connected;
    }

    public TransportCounters counters() {
        return counters;
    }

    @Override
    public void close() {
        for (ClientConnector connector : connectors) {
            connector.close();
        }
        loops.release();
    }
}
