package io.bastion.client;

import io.bastion.core.config.ClusterConfig;
import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.crypto.Signer;
import io.bastion.crypto.StandardSignatureVerifier;
import io.bastion.net.EventLoops;
import io.bastion.net.NetSettings;
import io.bastion.net.tls.ClientSecurity;
import io.netty.channel.EventLoopGroup;

import java.util.function.UnaryOperator;

/**
 * What many clients in one process share: one connection per replica (clients are multiplexed
 * over it), Netty's event loops, and the cache of verified reply signatures (replies of one batch
 * share a signature, so a process with many clients checks it once). Create one per process and
 * cluster; close it after its clients. Thread-safe.
 */
public final class ClientGroup implements AutoCloseable {
    /** Netty threads shared by the group's clients. */
    public static final int EVENT_LOOP_THREADS = 2;

    private final ClusterConfig config;
    private final EventLoopGroup group;
    private final CachingSignatureVerifier verifier;
    private final MultiplexedConnections connections;

    /** A group whose connections run TLS, accepting each replica's certificate signed by its key in {@code config}. */
    public ClientGroup(ClusterConfig config) {
        this(config, NetSettings.DEFAULTS);
    }

    public ClientGroup(ClusterConfig config, NetSettings settings) {
        this(config, settings, ClientSecurity.tls(config));
    }

    /** A group whose connections are secured by {@code security}. */
    public ClientGroup(ClusterConfig config, NetSettings settings, ClientSecurity security) {
        this.config = config;
        this.group = EventLoops.newGroup(EVENT_LOOP_THREADS, "bastion-client");
        this.verifier = new CachingSignatureVerifier(new StandardSignatureVerifier(),
                CachingSignatureVerifier.ENTRIES_DEFAULT);
        this.connections = new MultiplexedConnections(config, settings, security, group);
    }

    /** Connects client {@code clientId}, signing with {@code key}, over this group's loops. */
    public BastionClient connect(long clientId, Signer key, ClientOptions options) {
        return BastionClient.connect(config, clientId, key, verifier, connections.transportFor(clientId), options);
    }

    /**
     * As {@link #connect(long, Signer, ClientOptions)}, over the transport {@code decorate} makes of
     * this group's: a wrapper that also observes what the client sends (the benchmark records the
     * signed requests of honest clients this way, for a faulty client to replay). The wrapper must
     * pass every call on to the transport it wraps.
     */
    public BastionClient connect(long clientId, Signer key, ClientOptions options,
                                 UnaryOperator<ClientTransport> decorate) {
        return BastionClient.connect(config, clientId, key, verifier,
                decorate.apply(connections.transportFor(clientId)), options);
    }

    public BastionClient connect(long clientId, Signer key) {
        return connect(clientId, key, ClientOptions.defaults());
    }

    /**
     * Connects a dynamic client signing with {@code key} (whose public key is {@code publicKey}),
     * over this group's loops; it has no id until it {@linkplain BastionClient#join joins}. Each
     * key may be connected once per group at a time.
     */
    public BastionClient connectDynamic(Signer key, PublicKeyRef publicKey, ClientOptions options) {
        return BastionClient.connectDynamic(config, key, publicKey, verifier, connections.dynamicTransportFor(publicKey),
                options);
    }

    public ClusterConfig config() {
        return config;
    }

    @Override
    public void close() {
        connections.close();
        EventLoops.shutdown(group);
    }
}
