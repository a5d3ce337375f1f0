package io.bastion.net.replica;

import io.bastion.crypto.SigningKey;
import io.bastion.crypto.StandardSignatureVerifier;
import io.bastion.net.EventLoops;
import io.bastion.net.NetSettings;
import io.bastion.net.Rejection;
import io.bastion.net.handshake.HandshakeCodec;
import io.bastion.net.handshake.HandshakeFrame;
import io.bastion.net.testing.Await;
import io.bastion.net.testing.Inbox;
import io.bastion.net.testing.LogCapture;
import io.bastion.net.testing.Messages;
import io.bastion.net.testing.RawConnection;
import io.bastion.net.testing.TlsCluster;
import io.bastion.net.tls.KeyMaterialSource;
import io.bastion.net.tls.MeshSecurity;
import io.bastion.net.tls.ReplicaCertificates;
import io.bastion.net.tls.ReplicaIdentity;
import io.bastion.net.tls.TlsEngine;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.OpenSsl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The replica mesh over mutual TLS: what passes (every replica, either TLS engine) and what is
 * refused, each refusal counted and logged with the replica and the reason.
 */
class MeshTlsTest {
    private static final NetSettings SETTINGS = NetSettings.DEFAULTS.withHandshakeTimeoutMillis(2_000);

    private final EventLoopGroup group = EventLoops.newGroup(2, "test-mesh-tls");
    private final List<ReplicaNetwork> started = new ArrayList<>();
    private final TlsCluster cluster = TlsCluster.of(4, false);

    @AfterEach
    void tearDown() {
        started.forEach(ReplicaNetwork::close);
        EventLoops.shutdown(group);
    }

    private ReplicaNetwork start(int id, KeyMaterialSource identity, TlsEngine engine, Inbox inbox) {
        MeshSecurity security = MeshSecurity.tls(identity, cluster.config(), id, engine);
        ReplicaNetwork node = new ReplicaNetwork(cluster.config(), id, cluster.key(id), new StandardSignatureVerifier(),
                SETTINGS, security, group, inbox).start();
        started.add(node);
        return node;
    }

    /** An honest replica, on the default engine (BoringSSL where it loads): the one that must refuse the faulty peers below. */
    private ReplicaNetwork start(int id, Inbox inbox) {
        return start(id, new ReplicaIdentity(cluster.key(id), id, TlsCluster.HOST), TlsEngine.preferred(), inbox);
    }

    /** A certificate of replica {@code id} signed by {@code signer}, valid from {@code from} to {@code until}. */
    private static KeyMaterialSource certificate(SigningKey signer, int id, Instant from, Instant until) {
        return ReplicaIdentity.fixed(ReplicaCertificates.issue(signer, id, TlsCluster.HOST, from, until, TlsCluster.random()));
    }

    @Test
    void replicasTalkOverMutualTlsAndUnsignedMessagesArriveFromTheAuthenticatedPeer() {
        Inbox[] inboxes = new Inbox[4];
        ReplicaNetwork[] nodes = new ReplicaNetwork[4];
        for (int id = 0; id < 4; id++) {
            inboxes[id] = new Inbox();
            nodes[id] = start(id, inboxes[id]);
        }
        for (int a = 0; a < 4; a++) {
            for (int b = 0; b < 4; b++) {
                int from = a;
                int to = b;
                if (from != to) {
                    Await.until(from + " connected to " + to, () -> nodes[from].isConnected(to));
                    nodes[from].send(to, Messages.status(from, 100 + to));
                }
            }
        }
        for (int to = 0; to < 4; to++) {
            int id = to;
            assertThat(inboxes[id].take(3)).extracting(Inbox.Received::from).containsExactlyInAnyOrder(
                    java.util.stream.IntStream.range(0, 4).filter(p -> p != id).boxed().toArray(Integer[]::new));
        }
        assertThat(nodes[0].isTls()).isTrue();
        assertThat(nodes[3].counters().rejectedTotal()).isZero();
    }

    @Test
    void aPlaintextPeerIsRefusedAsNotSpeakingTls() {
        ReplicaNetwork acceptor = start(1, new Inbox());
        try (LogCapture log = new LogCapture(); RawConnection plaintext = RawConnection.open(acceptor.localAddress().getPort())) {
            byte[] nonce = new byte[HandshakeCodec.NONCE_BYTES];
            plaintext.writeFrame(HandshakeCodec.encode(new HandshakeFrame.Hello(0, 1, nonce)));
            Await.until("the plaintext HELLO is refused", () -> acceptor.counters().rejected(Rejection.TLS_HANDSHAKE) == 1);
            assertThat(plaintext.awaitClosed(Duration.ofSeconds(10))).isTrue();
            log.awaitLine("TLS_HANDSHAKE", "does not speak TLS");
        }
    }

    @Test
    void bothEnginesInterwork() {
        assumeTrue(OpenSsl.isAvailable(), "no netty-tcnative for this platform");
        Inbox inbox0 = new Inbox();
        Inbox inbox1 = new Inbox();
        ReplicaNetwork jdk = start(0, new ReplicaIdentity(cluster.key(0), 0, TlsCluster.HOST), TlsEngine.JDK, inbox0);
        ReplicaNetwork openssl = start(1, new ReplicaIdentity(cluster.key(1), 1, TlsCluster.HOST), TlsEngine.OPENSSL, inbox1);
        Await.until("connected", () -> jdk.isConnected(1) && openssl.isConnected(0));
        jdk.send(1, Messages.status(0, 7));
        openssl.send(0, Messages.status(1, 8));
        assertThat(inbox1.take().from()).isEqualTo(0);
        assertThat(inbox0.take().from()).isEqualTo(1);
    }

    @Test
    void anExpiredCertificateIsRefusedNamingTheReplica() {
        Instant now = Instant.now();
        try (LogCapture log = new LogCapture()) {
            ReplicaNetwork acceptor = start(1, new Inbox());
            start(0, certificate(cluster.key(0), 0, now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(1))),
                    TlsEngine.JDK, new Inbox());
            Await.until("refused", () -> acceptor.counters().rejected(Rejection.TLS_HANDSHAKE) >= 1);
            assertThat(acceptor.isConnected(0)).isFalse();
            log.awaitLine("TLS_HANDSHAKE", "replica 0's certificate expired at");
        }
    }

    @Test
    void aCertificateNotYetValidIsRefusedNamingTheReplica() {
        Instant now = Instant.now();
        try (LogCapture log = new LogCapture()) {
            start(1, certificate(cluster.key(1), 1, now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(8))),
                    TlsEngine.JDK, new Inbox());
            ReplicaNetwork dialer = start(0, new Inbox());
            Await.until("refused", () -> dialer.counters().rejected(Rejection.TLS_HANDSHAKE) >= 1);
            assertThat(dialer.isConnected(1)).isFalse();
            log.awaitLine("TLS_HANDSHAKE", "replica 1 at", "replica 1's certificate is not valid before");
        }
    }

    @Test
    void aCertificateNotSignedByTheKeyInTheClusterFileIsRefused() {
        Instant now = Instant.now();
        try (LogCapture log = new LogCapture()) {
            start(1, certificate(TlsCluster.foreignKey(), 1, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1))),
                    TlsEngine.JDK, new Inbox());
            ReplicaNetwork dialer = start(0, new Inbox());
            Await.until("refused", () -> dialer.counters().rejected(Rejection.TLS_HANDSHAKE) >= 1);
            assertThat(dialer.isConnected(1)).isFalse();
            log.awaitLine("TLS_HANDSHAKE", "the certificate of replica 1 is not signed by replica 1's key in the cluster file");
        }
    }

    @Test
    void aReplicaPresentingAnotherReplicasCertificateIsRefusedByDialersAndAcceptorsNamingBoth() {
        try (LogCapture log = new LogCapture()) {
            // replica 1 runs with replica 2's key as its TLS identity (a stolen key, or the wrong key file)
            start(1, new ReplicaIdentity(cluster.key(2), 2, TlsCluster.HOST), TlsEngine.JDK, new Inbox());
            ReplicaNetwork dialer = start(0, new Inbox());
            ReplicaNetwork acceptor = start(3, new Inbox());
            Await.until("replica 0 refuses it", () -> dialer.counters().rejected(Rejection.TLS_HANDSHAKE) >= 1);
            Await.until("replica 3 refuses it", () -> acceptor.counters().rejected(Rejection.HANDSHAKE_WRONG_ID) >= 1);
            assertThat(dialer.isConnected(1)).isFalse();
            assertThat(acceptor.isConnected(1)).isFalse();
            log.awaitLine("TLS_HANDSHAKE", "replica 1 was expected, but the other end presented replica 2's certificate");
            log.awaitLine("HANDSHAKE_WRONG_ID", "replica 1 presented replica 2's certificate");
        }
    }
}
