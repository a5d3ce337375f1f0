package io.bastion.net.replica;

import io.bastion.core.message.Prepare;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.Status;
import io.bastion.net.Drop;
import io.bastion.net.NetSettings;
import io.bastion.net.Rejection;
import io.bastion.net.handshake.HandshakeCodec;
import io.bastion.net.handshake.HandshakeFrame;
import io.bastion.net.handshake.HandshakeFrame.Hello;
import io.bastion.net.testing.Await;
import io.bastion.net.testing.Inbox.Received;
import io.bastion.net.testing.Mesh;
import io.bastion.net.testing.Messages;
import io.bastion.net.testing.RawConnection;
import io.bastion.net.testing.TestCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ReplicaNetworkTest {
    private static final NetSettings SETTINGS = NetSettings.DEFAULTS.withHandshakeTimeoutMillis(2_000);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    private Mesh mesh;

    private Mesh mesh(TestCluster cluster, NetSettings settings) {
        mesh = new Mesh(cluster, settings);
        return mesh;
    }

    @AfterEach
    void tearDown() {
        if (mesh != null) {
            mesh.close();
        }
    }

    /** What a received message says about itself: its type, the replica id inside it, and a number. */
    private record Seen(int from, String type, int replicaId, long number) {
        static Seen of(Received r) {
            return switch (r.message().message()) {
                case Prepare p -> new Seen(r.from(), "PREPARE", p.replicaId(), p.seq());
                case Status s -> new Seen(r.from(), "STATUS", s.replicaId(), s.lastDelivered());
                default -> throw new AssertionError("unexpected " + r.message());
            };
        }
    }

    @Test
    void everyPairExchangesSignedAndUnsignedMessagesInBothDirectionsWithTheAuthenticatedSender() {
        TestCluster cluster = TestCluster.of(4);
        Mesh mesh = mesh(cluster, SETTINGS);
        mesh.startAll();
        mesh.awaitFullyConnected();

        for (int from = 0; from < 4; from++) {
            for (int to = 0; to < 4; to++) {
                if (from != to) {
                    mesh.node(from).send(to, Messages.prepare(from, 10 * from + to, cluster.signer(from)));
                    mesh.node(from).send(to, Messages.status(from, 10 * from + to));
                }
            }
        }
        for (int to = 0; to < 4; to++) {
            Set<Seen> expected = new HashSet<>();
            for (int from = 0; from < 4; from++) {
                if (from != to) {
                    expected.add(new Seen(from, "PREPARE", from, 10 * from + to));
                    expected.add(new Seen(from, "STATUS", from, 10 * from + to));
                }
            }
            Set<Seen> seen = new HashSet<>();
            mesh.inbox(to).take(6).forEach(r -> seen.add(Seen.of(r)));
            assertThat(seen).as("what replica %d received", to).isEqualTo(expected);
        }
        for (int id = 0; id < 4; id++) {
            assertThat(mesh.node(id).counters().rejectedTotal()).isZero();
        }
    }

    @Test
    void broadcastReachesEveryOtherReplicaOnce() {
        TestCluster cluster = TestCluster.of(4);
        Mesh mesh = mesh(cluster, SETTINGS);
        mesh.startAll();
        mesh.awaitFullyConnected();

        Envelope<Prepare> prepare = Messages.prepare(2, 99, cluster.signer(2));
        mesh.node(2).broadcast(prepare);
        for (int id : List.of(0, 1, 3)) {
            Received r = mesh.inbox(id).take();
            assertThat(r.from()).isEqualTo(2);
            assertThat(r.message()).isEqualTo(prepare);
        }
        assertThat(mesh.inbox(2).isEmpty()).isTrue();
    }

    @Test
    void impostorDialingWithTheWrongKeyIsRefusedAndCountedByEveryAcceptor() {
        TestCluster cluster = TestCluster.of(4);
        Mesh mesh = mesh(cluster, SETTINGS);
        for (int id = 1; id < 4; id++) {
            mesh.start(id);
        }
        ReplicaNetwork impostor = mesh.start(0, TestCluster.impostor());
        impostor.broadcast(Messages.status(0, 666));

        for (int id = 1; id < 4; id++) {
            ReplicaNetwork honest = mesh.node(id);
            Await.until("replica " + id + " refused the impostor",
                    () -> honest.counters().rejected(Rejection.HANDSHAKE_BAD_SIGNATURE) >= 1);
        }
        assertHonestReplicasStillTalk(cluster, mesh, 1, 2);
        for (int id = 1; id < 4; id++) {
            assertThat(mesh.node(id).isConnected(0)).isFalse();
            assertThat(mesh.inbox(id).drain()).noneMatch(r -> r.from() == 0);
        }
    }

    @Test
    void impostorAcceptingWithTheWrongKeyIsRefusedAndCountedByEveryDialer() {
        TestCluster cluster = TestCluster.of(4);
        Mesh mesh = mesh(cluster, SETTINGS);
        for (int id = 0; id < 3; id++) {
            mesh.start(id);
        }
        mesh.start(3, TestCluster.impostor());

        for (int id = 0; id < 3; id++) {
            ReplicaNetwork honest = mesh.node(id);
            Await.until("replica " + id + " refused the impostor",
                    () -> honest.counters().rejected(Rejection.HANDSHAKE_BAD_SIGNATURE) >= 1);
        }
        assertHonestReplicasStillTalk(cluster, mesh, 0, 2);
        for (int id = 0; id < 3; id++) {
            assertThat(mesh.node(id).isConnected(3)).isFalse();
        }
        assertThat(mesh.inbox(3).drain()).isEmpty();
    }

    private static void assertHonestReplicasStillTalk(TestCluster cluster, Mesh mesh, int a, int b) {
        mesh.awaitConnected(a, b);
        mesh.node(a).send(b, Messages.prepare(a, 1_000, cluster.signer(a)));
        assertThat(mesh.inbox(b).takeUntil(r -> r.from() == a).message().message())
                .isEqualTo(Messages.prepare(a, 1_000, cluster.signer(a)).message());
    }

    @Test
    void helloWithWrongIdsIsRefusedAndCounted() {
        TestCluster cluster = TestCluster.of(4);
        Mesh mesh = mesh(cluster, SETTINGS);
        ReplicaNetwork node = mesh.start(1);
        int[][] wrong = {{5, 1}, {-1, 1}, {2, 1}, {1, 1}, {0, 2}};
        for (int[] ids : wrong) {
            try (RawConnection raw = RawConnection.open(cluster.replicaPort(1))) {
                raw.writeFrame(HandshakeCodec.encode(new Hello(ids[0], ids[1], new byte[HandshakeCodec.NONCE_BYTES])));
                assertThat(raw.awaitClosed(CLOSE_WAIT)).as("HELLO %d -> %d", ids[0], ids[1]).isTrue();
            }
        }
        Await.until("every wrong HELLO is counted",
                () -> node.counters().rejected(Rejection.HANDSHAKE_WRONG_ID) == wrong.length);
        assertThat(node.counters().rejectedTotal()).isEqualTo(wrong.length);
    }

    @Test
    void framesUpToTheFullLimitFlowOnceAuthenticated() {
        TestCluster cluster = TestCluster.of(2);
        Mesh mesh = mesh(cluster, SETTINGS);
        mesh.startAll();
        mesh.awaitConnected(0, 1);
        Envelope<Request> big = Envelope.sign(new Request(7, 1, false, new byte[1 << 20]), cluster.signer(0));
        mesh.node(0).send(1, big);
        mesh.node(1).send(0, big);
        assertThat(mesh.inbox(1).take().message()).isEqualTo(big);
        assertThat(mesh.inbox(0).take().message()).isEqualTo(big);
    }

    @Test
    void beforeTheHandshakeOnlyHandshakeSizedFramesAreAccepted() {
        TestCluster cluster = TestCluster.of(2);
        Mesh mesh = mesh(cluster, SETTINGS);
        ReplicaNetwork node = mesh.start(1);
        try (RawConnection raw = RawConnection.open(cluster.replicaPort(1))) {
            raw.write(java.nio.ByteBuffer.allocate(4).putInt(HandshakeCodec.FRAME_BYTES_MAX + 1).array());
            assertThat(raw.awaitClosed(CLOSE_WAIT)).isTrue();
        }
        Await.until("the frame is counted as oversized", () -> node.counters().rejected(Rejection.OVERSIZED) == 1);
    }

    @Test
    void onlyConnectionsStillInTheirHandshakeCountAgainstThePendingLimit() {
        TestCluster cluster = TestCluster.of(2);
        Mesh mesh = mesh(cluster, SETTINGS.withConnectionsMax(2, SETTINGS.clientConnectionsMax()));
        mesh.startAll();
        mesh.awaitConnected(0, 1);
        ReplicaNetwork node = mesh.node(1);
        int port = cluster.replicaPort(1);

        try (RawConnection a = RawConnection.open(port); RawConnection b = RawConnection.open(port)) {
            for (RawConnection pending : List.of(a, b)) {
                pending.writeFrame(HandshakeCodec.encode(new Hello(0, 1, new byte[HandshakeCodec.NONCE_BYTES])));
                assertThat(pending.readHandshakeFrame()).isInstanceOf(HandshakeFrame.HelloAccept.class);
            }
            try (RawConnection refused = RawConnection.open(port)) {
                assertThat(refused.awaitClosed(CLOSE_WAIT)).isTrue();
            }
            assertThat(node.counters().rejected(Rejection.CONNECTION_LIMIT)).isEqualTo(1);
            assertThat(node.isConnected(0)).isTrue();
        }
        Await.until("closed handshakes free their slots", () -> handshakeIsAnswered(port));
    }

    /** Whether a fresh connection to {@code port} gets a HELLO_ACCEPT for its HELLO (rather than being closed). */
    private static boolean handshakeIsAnswered(int port) {
        try (RawConnection raw = RawConnection.open(port)) {
            raw.writeFrame(HandshakeCodec.encode(new Hello(0, 1, new byte[HandshakeCodec.NONCE_BYTES])));
            return raw.readHandshakeFrame() instanceof HandshakeFrame.HelloAccept;
        } catch (java.io.UncheckedIOException e) {
            return false;
        }
    }

    @Test
    void restartedReplicaIsRedialedOrRedialsAndDeliveryResumesBothWays() {
        TestCluster cluster = TestCluster.of(4);
        Mesh mesh = mesh(cluster, SETTINGS);
        mesh.startAll();
        mesh.awaitFullyConnected();

        mesh.stop(2);
        for (int id : List.of(0, 1, 3)) {
            ReplicaNetwork node = mesh.node(id);
            Await.until("replica " + id + " noticed replica 2 went away", () -> !node.isConnected(2));
        }
        mesh.start(2);
        mesh.awaitFullyConnected();

        for (int other : List.of(0, 1, 3)) {
            mesh.node(2).send(other, Messages.status(2, 50 + other));
            mesh.node(other).send(2, Messages.status(other, 60 + other));
            Received atOther = mesh.inbox(other).takeUntil(r -> r.from() == 2);
            assertThat(Seen.of(atOther)).isEqualTo(new Seen(2, "STATUS", 2, 50 + other));
        }
        Set<Seen> atTwo = new HashSet<>();
        mesh.inbox(2).take(3).forEach(r -> atTwo.add(Seen.of(r)));
        assertThat(atTwo).containsExactlyInAnyOrder(
                new Seen(0, "STATUS", 0, 60), new Seen(1, "STATUS", 1, 61), new Seen(3, "STATUS", 3, 63));
    }

    @Test
    void queueForADownPeerKeepsTheNewestFramesAndCountsTheDropped() {
        TestCluster cluster = TestCluster.of(2);
        int framesMax = 4;
        Mesh mesh = mesh(cluster, SETTINGS.withPeerQueue(framesMax, SETTINGS.peerQueueBytesMax()));
        ReplicaNetwork sender = mesh.start(0);
        for (int seq = 0; seq < 10; seq++) {
            assertThat(sender.send(1, Messages.prepare(0, seq, cluster.signer(0)))).isTrue();
        }
        assertThat(sender.counters().dropped(Drop.QUEUE_FULL)).isEqualTo(6);

        mesh.start(1);
        List<Long> seqs = mesh.inbox(1).take(framesMax).stream()
                .peek(r -> assertThat(r.from()).isZero())
                .map(r -> r.message().as(Prepare.class).message().seq())
                .toList();
        assertThat(seqs).containsExactly(6L, 7L, 8L, 9L);

        sender.send(1, Messages.status(0, 123));
        assertThat(Seen.of(mesh.inbox(1).take())).isEqualTo(new Seen(0, "STATUS", 0, 123));
    }

    @Test
    void newAuthenticatedConnectionFromAPeerReplacesTheOldOne() {
        TestCluster cluster = TestCluster.of(2);
        Mesh mesh = mesh(cluster, SETTINGS);
        ReplicaNetwork node = mesh.start(1);
        try (RawConnection first = RawConnection.authenticated(cluster.replicaPort(1), 0, 1, cluster.signer(0))) {
            first.send(Messages.status(0, 1));
            assertThat(Seen.of(mesh.inbox(1).take())).isEqualTo(new Seen(0, "STATUS", 0, 1));
            try (RawConnection second = RawConnection.authenticated(cluster.replicaPort(1), 0, 1, cluster.signer(0))) {
                assertThat(first.awaitClosed(CLOSE_WAIT)).isTrue();
                second.send(Messages.status(0, 2));
                assertThat(Seen.of(mesh.inbox(1).take())).isEqualTo(new Seen(0, "STATUS", 0, 2));

                node.send(0, Messages.status(1, 3));
                assertThat(second.readMessage().message()).isEqualTo(Messages.status(1, 3).message());
            }
        }
        assertThat(node.counters().rejectedTotal()).isZero();
    }
}
