package io.bastion.net.connector;

import io.bastion.core.config.ClusterConfig;
import io.bastion.crypto.SigningKey;
import io.bastion.net.EventLoops;
import io.bastion.net.NetSettings;
import io.bastion.net.Rejection;
import io.bastion.net.testing.EchoEndpoint;
import io.bastion.net.testing.Inbox;
import io.bastion.net.testing.LogCapture;
import io.bastion.net.testing.Messages;
import io.bastion.net.testing.TestCluster;
import io.bastion.net.testing.TlsCluster;
import io.bastion.net.tls.CertificateAuthority;
import io.bastion.net.tls.ChannelSecurity;
import io.bastion.net.tls.ClientSecurity;
import io.bastion.net.tls.KeyMaterial;
import io.bastion.net.tls.KeyMaterialSource;
import io.bastion.net.tls.ReplicaCertificates;
import io.bastion.net.tls.ReplicaIdentity;
import io.bastion.net.tls.TlsContexts;
import io.bastion.net.tls.TlsEngine;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client's TLS connection to a replica's client port: it takes the replica certificate signed by
 * the key the cluster file lists for that replica, or a chain from the cluster CA naming the
 * replica's host, and refuses everything else, naming the replica and the reason.
 */
class ClientTlsTest {
    private static final NetSettings SETTINGS = NetSettings.DEFAULTS;

    private final EventLoopGroup group = EventLoops.newGroup(2, "test-client-tls");
    private final List<AutoCloseable> open = new ArrayList<>();
    private final TlsCluster cluster = TlsCluster.of(4, false);
    private final ClusterConfig config = cluster.config();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable closeable : open.reversed()) {
            closeable.close();
        }
        EventLoops.shutdown(group);
    }

    /** Replica {@code id}'s client port, presenting {@code presented}. */
    private EchoEndpoint replica(int id, KeyMaterialSource presented) {
        EchoEndpoint endpoint = new EchoEndpoint(id, config.replica(id).clientPort(), SETTINGS,
                ChannelSecurity.tls(TlsContexts.server(presented, TlsEngine.JDK)), group);
        open.add(endpoint);
        return endpoint;
    }

    /** An honest client on the default engine (BoringSSL where it loads): it must refuse the faulty replicas below. */
    private ClientConnector client(int id, List<X509Certificate> authorities, Inbox inbox) {
        var replica = config.replica(id);
        ClientConnector connector = new ClientConnector(id, new InetSocketAddress(replica.host(), replica.clientPort()),
                SETTINGS, ClientSecurity.tls(config, authorities, TlsEngine.preferred()).forReplica(id), group, inbox).start();
        open.add(connector);
        return connector;
    }

    private static KeyMaterialSource fixed(KeyMaterial material) {
        return new KeyMaterialSource() {
            @Override
            public KeyMaterial current() {
                return material;
            }

            @Override
            public KeyMaterial byAlias(String alias) {
                return material.alias().equals(alias) ? material : null;
            }
        };
    }

    /** Connects to replica {@code id} presenting {@code presented}; expects a refusal logged with {@code words}. */
    private void assertRefused(int id, KeyMaterialSource presented, List<X509Certificate> authorities, String... words) {
        try (LogCapture log = new LogCapture()) {
            replica(id, presented);
            ClientConnector connector = client(id, authorities, new Inbox());
            io.bastion.net.testing.Await.until("the client refuses replica " + id,
                    () -> connector.counters().rejected(Rejection.TLS_HANDSHAKE) >= 1);
            assertThat(connector.isConnected()).isFalse();
            String[] parts = new String[words.length + 1];
            parts[0] = "replica " + id + " at ";
            System.arraycopy(words, 0, parts, 1, words.length);
            log.awaitLine(parts);
        }
    }

    @Test
    void aClientTalksToTheReplicaWhoseKeySignedItsCertificate() {
        replica(2, new ReplicaIdentity(cluster.key(2), 2, TestCluster.HOST));
        Inbox inbox = new Inbox();
        ClientConnector connector = client(2, List.of(), inbox);
        connector.send(Messages.request(7, 1, TestCluster.impostor()));
        assertThat(inbox.take().from()).isEqualTo(2);
        assertThat(connector.isConnected()).isTrue();
    }

    @Test
    void anExpiredReplicaCertificateIsRefused() {
        Instant now = Instant.now();
        assertRefused(1, ReplicaIdentity.fixed(ReplicaCertificates.issue(cluster.key(1), 1, TestCluster.HOST,
                now.minus(Duration.ofDays(9)), now.minus(Duration.ofDays(2)), TlsCluster.random())), List.of(),
                "replica 1's certificate expired at");
    }

    @Test
    void aReplicaCertificateNotYetValidIsRefused() {
        Instant now = Instant.now();
        assertRefused(1, ReplicaIdentity.fixed(ReplicaCertificates.issue(cluster.key(1), 1, TestCluster.HOST,
                now.plus(Duration.ofDays(2)), now.plus(Duration.ofDays(9)), TlsCluster.random())), List.of(),
                "replica 1's certificate is not valid before");
    }

    @Test
    void anotherReplicasCertificateIsRefusedNamingBoth() {
        assertRefused(1, new ReplicaIdentity(cluster.key(3), 3, TestCluster.HOST), List.of(),
                "replica 1 was expected, but the other end presented replica 3's certificate");
    }

    @Test
    void aCertificateNotSignedByTheReplicasKeyInTheClusterFileIsRefused() {
        SigningKey stranger = TlsCluster.foreignKey();
        assertRefused(0, new ReplicaIdentity(stranger, 0, TestCluster.HOST), List.of(),
                "is not signed by replica 0's key in the cluster file");
    }

    @Test
    void aClusterCaChainNamingTheHostIsAccepted() {
        replica(1, fixed(cluster.webCertificate("127.0.0.1", "localhost")));
        Inbox inbox = new Inbox();
        ClientConnector connector = client(1, List.of(cluster.ca().certificate()), inbox);
        connector.send(Messages.request(7, 1, TestCluster.impostor()));
        assertThat(inbox.take().from()).isEqualTo(1);
    }

    @Test
    void aClusterCaChainForAnotherNameIsRefused() {
        assertRefused(1, fixed(cluster.webCertificate("replica-1.example.org")), List.of(cluster.ca().certificate()),
                "its certificate does not name 127.0.0.1");
    }

    @Test
    void aChainFromAnUnknownCaIsRefused() {
        CertificateAuthority stranger = CertificateAuthority.generate("someone else's CA", TlsCluster.random());
        assertRefused(1, fixed(stranger.issueServer("replica 1", List.of("127.0.0.1"), TlsCluster.random())),
                List.of(cluster.ca().certificate()), "not issued by the cluster CA (unknown CA)");
    }

    @Test
    void anExpiredChainFromTheClusterCaIsRefused() {
        Instant now = Instant.now();
        KeyMaterial expired = cluster.ca().issueServer("replica 1", List.of("127.0.0.1"), now.minus(Duration.ofDays(30)),
                now.minus(Duration.ofDays(1)), TlsCluster.random());
        assertRefused(1, fixed(expired), List.of(cluster.ca().certificate()), "a certificate of its chain has expired");
    }

    @Test
    void aCaChainIsRefusedWhenTheClusterFileNamesNoCa() {
        assertRefused(1, fixed(cluster.webCertificate("127.0.0.1")), List.of(),
                "is not signed by replica 1's key, and the cluster file names no CA");
    }

    @Test
    void aPlaintextClientIsRefusedByATlsPort() {
        EchoEndpoint tls = replica(0, new ReplicaIdentity(cluster.key(0), 0, TestCluster.HOST));
        var replica = config.replica(0);
        ClientConnector plaintext = new ClientConnector(0, new InetSocketAddress(replica.host(), replica.clientPort()),
                SETTINGS, group, new Inbox()).start();
        open.add(plaintext);
        plaintext.send(Messages.request(7, 1, TestCluster.impostor()));
        io.bastion.net.testing.Await.until("the TLS port refuses the plaintext frames",
                () -> tls.endpoint().counters().rejected(Rejection.TLS_HANDSHAKE) >= 1);
        assertThat(tls.requests()).isEmpty();
    }
}
