package io.bastion.net.tls;

import io.bastion.core.config.ClusterConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;

/**
 * Every TLS context Bastion makes, in one place: TLS 1.3 only, the engine chosen by
 * {@link TlsEngine}, keys from a {@link KeyMaterialSource} asked at each handshake, and Bastion's
 * own trust decisions ({@link MeshTrustManager}, {@link ReplicaServerTrustManager}); never the
 * host's trust store. Stateless and thread-safe.
 */
public final class TlsContexts {
    /** The only protocol version offered. */
    public static final String PROTOCOL = "TLSv1.3";

    private TlsContexts() {}

    /** The acceptor side of replica {@code selfId}'s mesh: presents {@code identity}, requires a lower-id replica. */
    public static SslContext meshAcceptor(KeyMaterialSource identity, ClusterConfig config, int selfId, TlsEngine engine) {
        return build(SslContextBuilder.forServer(new MaterialKeyManager(identity))
                .clientAuth(ClientAuth.REQUIRE)
                .trustManager(new MeshTrustManager(config, selfId, -1, Clock.systemUTC())), engine);
    }

    /** The dialing side of replica {@code selfId}'s connection to {@code peer}: presents {@code identity}, requires {@code peer}. */
    public static SslContext meshDialer(KeyMaterialSource identity, ClusterConfig config, int selfId, int peer,
                                        TlsEngine engine) {
        return build(SslContextBuilder.forClient()
                .keyManager(new MaterialKeyManager(identity))
                .endpointIdentificationAlgorithm(null)
                .trustManager(new MeshTrustManager(config, selfId, peer, Clock.systemUTC())), engine);
    }

    /** A server that presents {@code material} and asks nothing of its clients (client port, web, metrics). */
    public static SslContext server(KeyMaterialSource material, TlsEngine engine) {
        return build(SslContextBuilder.forServer(new MaterialKeyManager(material)).clientAuth(ClientAuth.NONE), engine);
    }

    /**
     * A client of replica {@code replicaId}: accepts its replica certificate, or a certificate
     * from one of {@code authorities} that names the replica's host ({@link ReplicaServerTrustManager}).
     */
    public static SslContext client(ClusterConfig config, int replicaId, List<X509Certificate> authorities,
                                    TlsEngine engine) {
        var replica = config.replica(replicaId);
        String where = "replica " + replicaId + " at " + replica.host() + ":" + replica.clientPort();
        return client(new ReplicaServerTrustManager(config, replicaId, where, authorities, Clock.systemUTC()), engine);
    }

    /** A client that decides with {@code trust} (it checks host names itself where it must). */
    public static SslContext client(TrustManager trust, TlsEngine engine) {
        return build(SslContextBuilder.forClient().endpointIdentificationAlgorithm("HTTPS").trustManager(trust), engine);
    }

    /**
     * A JDK {@link javax.net.ssl.SSLContext} that trusts only {@code authorities}, with the JDK's
     * standard checks (chain, dates, and host names where the caller asks for HTTPS rules, as
     * {@link java.net.http.HttpClient} does): for Java tools and tests that fetch from a replica's
     * web or metrics port.
     */
    public static javax.net.ssl.SSLContext trusting(List<X509Certificate> authorities) {
        try {
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLSv1.3");
            context.init(null, new TrustManager[] {ReplicaServerTrustManager.pkix(authorities)}, null);
            return context;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up a TLS 1.3 context: " + e, e);
        }
    }

    private static SslContext build(SslContextBuilder builder, TlsEngine engine) {
        try {
            return builder.sslProvider(engine.requireAvailable().provider()).protocols(PROTOCOL).build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot set up TLS with the " + engine + " engine: " + e.getMessage(), e);
        }
    }
}
