package io.bastion.net.endpoint;

import io.bastion.core.message.Reply;
import io.bastion.core.message.Envelope;
import io.bastion.net.Drop;
import io.bastion.net.EventLoops;
import io.bastion.net.NetSettings;
import io.bastion.net.Rejection;
import io.bastion.net.testing.Await;
import io.bastion.net.testing.EchoEndpoint;
import io.bastion.net.testing.HmacSigner;
import io.bastion.net.testing.Messages;
import io.bastion.net.testing.Ports;
import io.bastion.net.testing.RawConnection;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client port's time limits on real sockets (127.0.0.1): idle connections, connections whose
 * bytes never complete a frame, and clients that do not read are closed and counted; a client
 * that pauses for less than the limit keeps its connection.
 */
class ClientDeadlinesTest {
    private static final long IDLE_MILLIS = 600;
    private static final long MESSAGE_MILLIS = 300;
    /** What a loaded test machine may add to a limit, beyond the checks' own lateness. */
    private static final long SCHEDULING_SLACK_MILLIS = 2_000;
    private static final NetSettings SETTINGS = NetSettings.DEFAULTS.withClientTimeouts(IDLE_MILLIS, MESSAGE_MILLIS);
    private static final HmacSigner CLIENT_SIGNER = new HmacSigner(new byte[] {4, 4, 4, 4, 4, 4, 4, 4});

    private final EventLoopGroup group = EventLoops.newGroup(2, "test-deadlines");
    private final int port = Ports.free();
    private EchoEndpoint echo;

    @AfterEach
    void tearDown() {
        if (echo != null) {
            echo.close();
        }
        EventLoops.shutdown(group);
    }

    private ClientEndpoint start(NetSettings settings) {
        echo = new EchoEndpoint(0, port, settings, group);
        return echo.endpoint();
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** Latest a limit of {@code millis} may close a connection: the checks run 4 times per limit. */
    private static long latest(long millis) {
        return millis + Math.min(IDLE_MILLIS, MESSAGE_MILLIS) / ClientDeadlines.CHECKS_PER_TIMEOUT
                + SCHEDULING_SLACK_MILLIS;
    }

    @Test
    void anIdleConnectionIsClosedWithinTheLimitAndCounted() {
        ClientEndpoint endpoint = start(SETTINGS);
        try (RawConnection client = RawConnection.open(port)) {
            long lastSent = System.nanoTime(); // before the send: the endpoint's idle clock starts on arrival, after it
            client.send(Messages.request(1, 1, CLIENT_SIGNER));
            assertThat(client.readMessage().as(Reply.class).message().clientId()).isEqualTo(1);

            assertThat(client.awaitClosed(Duration.ofSeconds(10))).isTrue();
            assertThat(millisSince(lastSent)).isBetween(IDLE_MILLIS, latest(IDLE_MILLIS));
        }
        assertThat(endpoint.counters().rejected(Rejection.IDLE_TIMEOUT)).isEqualTo(1);
        Await.until("the slot is free and the closed connection unbound",
                () -> endpoint.connectionCount() == 0 && !endpoint.isBound(1));
    }

    @Test
    void aFrameThatNeverCompletesAfterAValidMessageIsClosedByTheMessageLimit() {
        ClientEndpoint endpoint = start(SETTINGS);
        try (RawConnection client = RawConnection.open(port)) {
            client.send(Messages.request(1, 1, CLIENT_SIGNER));
            client.readMessage();
            long promised = System.nanoTime();
            client.write(ByteBuffer.allocate(8).putInt(NetSettings.DEFAULT_FRAME_BYTES_MAX).putInt(7).array());
            assertThat(client.awaitClosed(Duration.ofSeconds(10))).isTrue();
            assertThat(millisSince(promised)).isBetween(MESSAGE_MILLIS, latest(MESSAGE_MILLIS));
        }
        assertThat(endpoint.counters().rejected(Rejection.MESSAGE_TIMEOUT)).isEqualTo(1);
        assertThat(endpoint.counters().rejected(Rejection.IDLE_TIMEOUT)).isZero();
    }

    @Test
    void aTrickledFirstFrameIsClosedByTheMessageLimitAndASilentConnectionByTheIdleLimit() throws Exception {
        ClientEndpoint endpoint = start(SETTINGS);
        try (RawConnection silent = RawConnection.open(port); RawConnection trickling = RawConnection.open(port)) {
            long opened = System.nanoTime();
            // a length prefix promising 8 MiB, then a byte every 20 ms: always something arriving, never a frame
            trickling.write(ByteBuffer.allocate(4).putInt(NetSettings.DEFAULT_FRAME_BYTES_MAX).array());
            AtomicBoolean stop = new AtomicBoolean();
            Thread trickle = Thread.ofVirtual().start(() -> {
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (!stop.get() && System.nanoTime() < deadline && trickling.write(new byte[] {1})) {
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            try {
                assertThat(trickling.awaitClosed(Duration.ofSeconds(10))).isTrue();
                assertThat(millisSince(opened)).isBetween(MESSAGE_MILLIS, latest(MESSAGE_MILLIS));
                assertThat(silent.awaitClosed(Duration.ofSeconds(10))).isTrue();
                assertThat(millisSince(opened)).isBetween(IDLE_MILLIS, latest(IDLE_MILLIS));
            } finally {
                stop.set(true);
                trickle.join(10_000);
            }
        }
        assertThat(endpoint.counters().rejected(Rejection.MESSAGE_TIMEOUT)).isEqualTo(1);
        assertThat(endpoint.counters().rejected(Rejection.IDLE_TIMEOUT)).isEqualTo(1);
    }

    @Test
    void aClientThatPausesForLessThanTheLimitKeepsItsConnection() throws Exception {
        ClientEndpoint endpoint = start(SETTINGS);
        long started = System.nanoTime();
        try (RawConnection client = RawConnection.open(port)) {
            for (int number = 1; millisSince(started) < 3 * IDLE_MILLIS; number++) {
                assertThat(client.send(Messages.request(1, number, CLIENT_SIGNER))).isTrue();
                assertThat(client.readMessage().as(Reply.class).message().requestNumber()).isEqualTo(number);
                Thread.sleep(IDLE_MILLIS / 2); // the pause under test, not a wait for something
            }
        }
        assertThat(endpoint.counters().rejectedTotal()).isZero();
    }

    @Test
    void aSlotFreedByATimeLimitTakesANewClient() {
        ClientEndpoint endpoint = start(SETTINGS.withConnectionsMax(NetSettings.DEFAULT_PENDING_HANDSHAKES_MAX, 1));
        try (RawConnection squatter = RawConnection.open(port)) {
            Await.until("the squatter holds the only slot", () -> endpoint.connectionCount() == 1);
            try (RawConnection refused = RawConnection.open(port)) {
                assertThat(refused.awaitClosed(Duration.ofSeconds(10))).isTrue();
            }
            assertThat(squatter.awaitClosed(Duration.ofSeconds(10))).isTrue();
        }
        Await.until("the slot is free", () -> endpoint.connectionCount() == 0);
        try (RawConnection client = RawConnection.open(port)) {
            client.send(Messages.request(5, 1, CLIENT_SIGNER));
            assertThat(client.readMessage().as(Reply.class).message().clientId()).isEqualTo(5);
        }
        assertThat(endpoint.counters().rejected(Rejection.CONNECTION_LIMIT)).isEqualTo(1);
        assertThat(endpoint.counters().rejected(Rejection.IDLE_TIMEOUT)).isEqualTo(1);
    }

    @Test
    void aClientThatSendsButNeverReadsIsClosedOnceItsQueueStayedFullForTheLimit() throws Exception {
        int frameBytesMax = 1 << 20;
        ClientEndpoint endpoint = start(SETTINGS.withFrameBytesMax(frameBytesMax)
                .withClientQueue(8, 2L * frameBytesMax)
                .withWriteBufferHighBytes(64 << 10));
        try (RawConnection sluggish = RawConnection.open(port)) {
            sluggish.send(Messages.request(1, 1, CLIENT_SIGNER));
            Await.until("client 1 is bound", () -> endpoint.isBound(1));
            Envelope<Reply> big = Messages.reply(0, 1, 2, new byte[256 << 10]);
            long started = System.nanoTime();
            long firstDrop = 0;
            // replies keep coming until the socket buffers are full and the queue drops; the client
            // keeps sending (so it is not idle) and never reads
            for (int number = 2; endpoint.counters().rejected(Rejection.SLOW_READER) == 0; number++) {
                assertThat(millisSince(started)).as("closed for not reading").isLessThan(10_000);
                for (int i = 0; i < 4; i++) {
                    endpoint.sendToClient(1, big);
                }
                if (firstDrop == 0 && endpoint.counters().dropped(Drop.QUEUE_FULL) > 0) {
                    firstDrop = System.nanoTime();
                }
                sluggish.send(Messages.request(1, number, CLIENT_SIGNER));
                Thread.sleep(IDLE_MILLIS / 6); // the client's pace, not a wait for something
            }
            assertThat(firstDrop).as("the queue dropped frames").isPositive();
            assertThat(millisSince(firstDrop)).isGreaterThanOrEqualTo(IDLE_MILLIS);
        }
        assertThat(endpoint.counters().rejected(Rejection.IDLE_TIMEOUT)).isZero();
        Await.until("the slot is free", () -> endpoint.connectionCount() == 0);
    }
}
