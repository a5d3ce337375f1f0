package io.bastion.net;

import io.bastion.core.message.Codec;
import io.bastion.core.message.Reply;
import io.bastion.net.connector.ClientConnector;
import io.bastion.net.handshake.HandshakeCodec;
import io.bastion.net.handshake.HandshakeFrame;
import io.bastion.net.handshake.HandshakeFrame.Hello;
import io.bastion.net.testing.Await;
import io.bastion.net.testing.EchoEndpoint;
import io.bastion.net.testing.HmacSigner;
import io.bastion.net.testing.Inbox;
import io.bastion.net.testing.Mesh;
import io.bastion.net.testing.Messages;
import io.bastion.net.testing.RawConnection;
import io.bastion.net.testing.TestCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Garbage on the replica port (before and after the handshake) and on the client port: every bad
 * connection is closed and counted under its reason, and the node serves a well-behaved peer and
 * client while the bad connection is open and after it is gone.
 */
class MalformedInputTest {
    private static final NetSettings SETTINGS = NetSettings.DEFAULTS.withHandshakeTimeoutMillis(1_000);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);
    private static final int TARGET = 1;
    private static final int GOOD_PEER = 2;
    private static final int RAW_PEER = 0;
    private static final long GOOD_CLIENT = 42;

    /** Where the garbage goes. */
    enum Port { CLIENT, REPLICA_BEFORE_HANDSHAKE, REPLICA_AFTER_HANDSHAKE }

    /** What the garbage is. */
    enum Abuse { RANDOM_BYTES, TRUNCATED_STREAM, TRUNCATED_BODY, OVERSIZED_LENGTH, UNKNOWN_TYPE, TRAILING_GARBAGE, HALF_HANDSHAKE }

    private TestCluster cluster;
    private Mesh mesh;
    private EchoEndpoint endpoint;
    private ClientConnector client;
    private final Inbox clientInbox = new Inbox();
    private final HmacSigner clientSigner = new HmacSigner(new byte[] {9, 9, 9, 9, 9, 9, 9, 9});
    private long roundTrips;

    @BeforeEach
    void startNodeWithAGoodPeerAndAGoodClient() {
        cluster = TestCluster.of(4);
        mesh = new Mesh(cluster, SETTINGS);
        mesh.start(TARGET);
        mesh.start(GOOD_PEER);
        endpoint = mesh.track(new EchoEndpoint(TARGET, cluster.clientPort(TARGET), SETTINGS, mesh.group()));
        client = mesh.track(new ClientConnector(TARGET, new InetSocketAddress(TestCluster.HOST, cluster.clientPort(TARGET)),
                SETTINGS, mesh.group(), clientInbox).start());
        mesh.awaitConnected(TARGET, GOOD_PEER);
    }

    @AfterEach
    void stopEverything() {
        mesh.close();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Port.class)
    void randomBytes(Port port) {
        abuse(port, Abuse.RANDOM_BYTES);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Port.class)
    void truncatedStream(Port port) {
        abuse(port, Abuse.TRUNCATED_STREAM);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Port.class)
    void truncatedBody(Port port) {
        abuse(port, Abuse.TRUNCATED_BODY);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Port.class)
    void oversizedLength(Port port) {
        abuse(port, Abuse.OVERSIZED_LENGTH);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Port.class)
    void unknownType(Port port) {
        abuse(port, Abuse.UNKNOWN_TYPE);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Port.class)
    void trailingGarbage(Port port) {
        abuse(port, Abuse.TRAILING_GARBAGE);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Port.class)
    void halfFinishedHandshake(Port port) {
        abuse(port, Abuse.HALF_HANDSHAKE);
    }

    private void abuse(Port port, Abuse abuse) {
        TransportCounters counters = port == Port.CLIENT
                ? endpoint.endpoint().counters()
                : mesh.node(TARGET).counters();
        try (RawConnection raw = connect(port)) {
            assertGoodTrafficFlows();
            Rejection expected = expectedReason(port, abuse);
            long before = expected == null ? counters.rejectedTotal() : counters.rejected(expected);
            send(raw, port, abuse);
            assertGoodTrafficFlows();
            assertThat(raw.awaitClosed(CLOSE_WAIT)).as("connection closed").isTrue();
            if (expected == null) {
                Await.until("the rejection is counted", () -> counters.rejectedTotal() == before + 1);
            } else {
                Await.until(expected + " is counted", () -> counters.rejected(expected) == before + 1);
            }
        }
        assertThat(counters.rejectedTotal()).isEqualTo(1);
        assertGoodTrafficFlows();
        assertThat(mesh.node(TARGET).isConnected(GOOD_PEER)).isTrue();
    }

    private RawConnection connect(Port port) {
        return switch (port) {
            case CLIENT -> RawConnection.open(cluster.clientPort(TARGET));
            case REPLICA_BEFORE_HANDSHAKE -> RawConnection.open(cluster.replicaPort(TARGET));
            case REPLICA_AFTER_HANDSHAKE -> {
                RawConnection raw = RawConnection.authenticated(cluster.replicaPort(TARGET), RAW_PEER, TARGET,
                        cluster.signer(RAW_PEER));
                Await.until("the raw peer is authenticated", () -> mesh.node(TARGET).isConnected(RAW_PEER));
                yield raw;
            }
        };
    }

    /** The reason the abuse must be counted under; null where any reason will do (random bytes). */
    private static Rejection expectedReason(Port port, Abuse abuse) {
        return switch (abuse) {
            case RANDOM_BYTES -> null;
            case TRUNCATED_STREAM, TRUNCATED_BODY -> Rejection.TRUNCATED;
            case OVERSIZED_LENGTH -> Rejection.OVERSIZED;
            case UNKNOWN_TYPE -> Rejection.UNKNOWN_TYPE;
            case TRAILING_GARBAGE -> Rejection.TRAILING_BYTES;
            case HALF_HANDSHAKE -> port == Port.REPLICA_BEFORE_HANDSHAKE ? Rejection.HANDSHAKE_TIMEOUT : Rejection.UNKNOWN_TYPE;
        };
    }

    private void send(RawConnection raw, Port port, Abuse abuse) {
        switch (abuse) {
            case RANDOM_BYTES -> {
                byte[] junk = new byte[4096];
                new Random(port.ordinal()).nextBytes(junk);
                raw.write(junk);
                raw.shutdownOutput();
            }
            case TRUNCATED_STREAM -> {
                raw.write(ByteBuffer.allocate(4 + 10).putInt(100).array());
                raw.shutdownOutput();
            }
            case TRUNCATED_BODY -> raw.writeFrame(Arrays.copyOf(validBody(port), 10));
            case OVERSIZED_LENGTH -> raw.write(ByteBuffer.allocate(8).putInt(Integer.MAX_VALUE).putInt(0).array());
            case UNKNOWN_TYPE -> raw.writeFrame(new byte[] {0x77, 0, 0, 0});
            case TRAILING_GARBAGE -> {
                byte[] body = validBody(port);
                raw.writeFrame(Arrays.copyOf(body, body.length + 3));
            }
            case HALF_HANDSHAKE -> {
                raw.writeFrame(HandshakeCodec.encode(new Hello(RAW_PEER, TARGET, new byte[HandshakeCodec.NONCE_BYTES])));
                if (port == Port.REPLICA_BEFORE_HANDSHAKE) {
                    assertThat(raw.readHandshakeFrame()).isInstanceOf(HandshakeFrame.HelloAccept.class);
                }
            }
        }
    }

    /** A frame body the port would accept at this point: a HELLO before the handshake, a message otherwise. */
    private byte[] validBody(Port port) {
        return switch (port) {
            case REPLICA_BEFORE_HANDSHAKE ->
                    HandshakeCodec.encode(new Hello(RAW_PEER, TARGET, new byte[HandshakeCodec.NONCE_BYTES]));
            case REPLICA_AFTER_HANDSHAKE -> Codec.encodeFrame(Messages.prepare(RAW_PEER, 1, cluster.signer(RAW_PEER)));
            case CLIENT -> Codec.encodeFrame(Messages.request(7, 1, clientSigner));
        };
    }

    /** A message each way between the target and its good peer, and a request/reply with the good client. */
    private void assertGoodTrafficFlows() {
        long n = ++roundTrips;
        mesh.node(GOOD_PEER).send(TARGET, Messages.status(GOOD_PEER, n));
        mesh.node(TARGET).send(GOOD_PEER, Messages.status(TARGET, n));
        assertThat(mesh.inbox(TARGET).takeUntil(r -> r.from() == GOOD_PEER).message().message())
                .isEqualTo(Messages.status(GOOD_PEER, n).message());
        assertThat(mesh.inbox(GOOD_PEER).takeUntil(r -> r.from() == TARGET).message().message())
                .isEqualTo(Messages.status(TARGET, n).message());

        client.send(Messages.request(GOOD_CLIENT, n, clientSigner));
        Reply reply = clientInbox.take().message().as(Reply.class).message();
        assertThat(reply.clientId()).isEqualTo(GOOD_CLIENT);
        assertThat(reply.requestNumber()).isEqualTo(n);
    }
}
