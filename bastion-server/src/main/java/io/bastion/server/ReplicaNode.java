package io.bastion.server;

import io.bastion.core.config.ClusterConfig;
import io.bastion.core.config.ReplicaInfo;
import io.bastion.core.crypto.SignatureVerifier;
import io.bastion.core.message.Signed;
import io.bastion.core.service.Service;
import io.bastion.crypto.SigningKey;
import io.bastion.crypto.StandardSignatureVerifier;
import io.bastion.net.EventLoops;
import io.bastion.net.NetSettings;
import io.bastion.net.endpoint.ClientEndpoint;
import io.bastion.net.replica.ReplicaNetwork;
import io.bastion.server.runtime.ReplicaRuntime;
import io.bastion.server.runtime.ReplicaTransport;
import io.bastion.server.runtime.ReplicaStorage;
import io.netty.channel.EventLoopGroup;

import java.net.InetSocketAddress;

/**
 * One replica process's worth of parts, wired: the replica mesh and the client endpoint (Netty,
 * sharing one event-loop group) around a {@link ReplicaRuntime}. Thread-safe; {@link #close()}
 * releases every thread and port.
 */
public final class ReplicaNode implements AutoCloseable {
    /** Netty threads per replica process. */
    public static final int EVENT_LOOP_THREADS = 2;

    private final ReplicaRuntime runtime;
    private final ReplicaNetwork network;
    private final ClientEndpoint endpoint;
    private final EventLoopGroup group;

    private ReplicaNode(ClusterConfig config, int id, SigningKey key, Service service, String listenHost,
                        NetSettings net, ReplicaRuntime.Settings settings, ReplicaStorage storage) {
        SignatureVerifier verifier = new StandardSignatureVerifier();
        this.group = EventLoops.newGroup(EVENT_LOOP_THREADS, "bastion-net-" + id);
        this.runtime = new ReplicaRuntime(id, config, key, verifier, service, config.clientKeys()::get, storage,
                settings);
        this.network = new ReplicaNetwork(config, id, key, verifier, net, group, runtime::onReplicaMessage);
        ReplicaInfo self = config.replica(id);
        String host = listenHost != null ? listenHost : self.host();
        ClientEndpoint[] holder = new ClientEndpoint[1];
        this.endpoint = new ClientEndpoint(new InetSocketAddress(host, self.clientPort()), net, group,
                (connection, message) -> runtime.onClientMessage(message,
                        clientId -> holder[0].bind(clientId, connection)));
        holder[0] = endpoint;
    }

    /**
     * Starts replica {@code id} of {@code config}.
     *
     * @param listenHost address for the client port, or {@code null} for the host in the cluster file
     */
    public static ReplicaNode start(ClusterConfig config, int id, SigningKey key, Service service, String listenHost,
                                    NetSettings net, ReplicaRuntime.Settings settings, ReplicaStorage storage) {
        ReplicaNode node = new ReplicaNode(config, id, key, service, listenHost, net, settings, storage);
        node.runtime.start(node.transport());
        node.network.start();
        node.endpoint.start();
        return node;
    }

    private ReplicaTransport transport() {
        return new ReplicaTransport() {
            @Override
            public void send(int replicaId, Signed<?> message) {
                network.send(replicaId, message);
            }

            @Override
            public void broadcast(Signed<?> message) {
                network.broadcast(message);
            }

            @Override
            public void sendToClient(long clientId, Signed<?> message) {
                endpoint.sendToClient(clientId, message);
            }
        };
    }

    public ReplicaRuntime runtime() {
        return runtime;
    }

    public ReplicaNetwork network() {
        return network;
    }

    public ClientEndpoint endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        endpoint.close();
        network.close();
        runtime.close();
        EventLoops.shutdown(group);
    }
}
