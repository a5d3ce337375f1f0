package io.bastion.net.tls;

import io.bastion.core.config.ClusterConfig;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * How a client secures its connections to the replicas' client ports: TLS in which replica i must
 * present a certificate its key in the cluster file signed, or one from the cluster CA naming its
 * host ({@link ReplicaServerTrustManager}); or plaintext when asked for explicitly. One context
 * per replica, since each connection expects a different replica. Immutable; thread-safe.
 */
public final class ClientSecurity {
    /** Plaintext TCP: requests and replies are signed, but anyone on the path reads them. */
    public static final ClientSecurity PLAINTEXT = new ClientSecurity(null);

    private final ChannelSecurity[] replicas;

    private ClientSecurity(ChannelSecurity[] replicas) {
        this.replicas = replicas;
    }

    /**
     * TLS to every replica of {@code config}.
     *
     * @param authorities the cluster CA(s) the cluster file names, for replicas that present a
     *                    CA-issued certificate; empty to accept replica certificates only
     */
    public static ClientSecurity tls(ClusterConfig config, List<X509Certificate> authorities, TlsEngine engine) {
        ChannelSecurity[] replicas = new ChannelSecurity[config.n()];
        for (int id = 0; id < config.n(); id++) {
            replicas[id] = ChannelSecurity.tls(TlsContexts.client(config, id, authorities, engine));
        }
        return new ClientSecurity(replicas);
    }

    /** TLS with the {@linkplain TlsEngine#preferred() preferred engine}, accepting replica certificates only. */
    public static ClientSecurity tls(ClusterConfig config) {
        return tls(config, List.of(), TlsEngine.preferred());
    }

    public boolean isTls() {
        return replicas != null;
    }

    /** How the connection to replica {@code replicaId} is secured. */
    public ChannelSecurity forReplica(int replicaId) {
        return replicas == null ? ChannelSecurity.PLAINTEXT : replicas[replicaId];
    }

    @Override
    public String toString() {
        return replicas == null ? "plaintext" : "TLS";
    }
}
