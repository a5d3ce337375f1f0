package io.bastion.net.tls;

import io.bastion.core.config.ClusterConfig;
import io.bastion.crypto.SigningKey;
import io.netty.handler.ssl.SslContext;

/**
 * How a replica secures its mesh connections: mutual TLS in which each end presents its replica
 * certificate ({@link ReplicaIdentity}) and checks the other's against the cluster file
 * ({@link MeshTrustManager}), or plaintext when asked for explicitly. The acceptor learns from the
 * certificate which replica dialed; each dialer expects exactly the replica it dialed. Immutable;
 * thread-safe.
 */
public final class MeshSecurity {
    /** Plaintext TCP: the signed handshake authenticates the ends, nothing protects the bytes after it. */
    public static final MeshSecurity PLAINTEXT = new MeshSecurity(ChannelSecurity.PLAINTEXT, null);

    private final ChannelSecurity acceptor;
    private final ChannelSecurity[] dialers;

    private MeshSecurity(ChannelSecurity acceptor, ChannelSecurity[] dialers) {
        this.acceptor = acceptor;
        this.dialers = dialers;
    }

    /** Mutual TLS for replica {@code selfId}, presenting {@code identity}. */
    public static MeshSecurity tls(KeyMaterialSource identity, ClusterConfig config, int selfId, TlsEngine engine) {
        ChannelSecurity acceptor = ChannelSecurity.tls(TlsContexts.meshAcceptor(identity, config, selfId, engine));
        ChannelSecurity[] dialers = new ChannelSecurity[config.n()];
        for (int peer = selfId + 1; peer < config.n(); peer++) {
            SslContext context = TlsContexts.meshDialer(identity, config, selfId, peer, engine);
            dialers[peer] = ChannelSecurity.tls(context);
        }
        return new MeshSecurity(acceptor, dialers);
    }

    /** Mutual TLS for replica {@code selfId} with a fresh {@link ReplicaIdentity} of {@code key}. */
    public static MeshSecurity tls(SigningKey key, ClusterConfig config, int selfId, TlsEngine engine) {
        return tls(new ReplicaIdentity(key, selfId, config.replica(selfId).host()), config, selfId, engine);
    }

    public boolean isTls() {
        return acceptor.isTls();
    }

    /** How connections accepted on the replica port are secured. */
    public ChannelSecurity acceptor() {
        return acceptor;
    }

    /** How the connection to {@code peer} (a higher id) is secured. */
    public ChannelSecurity dialer(int peer) {
        return dialers == null ? ChannelSecurity.PLAINTEXT : dialers[peer];
    }
}
