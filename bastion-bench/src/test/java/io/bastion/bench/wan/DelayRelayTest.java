package io.bastion.bench.wan;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** The relay on loopback: the delay each way, order and content, and the bound on what it holds. */
class DelayRelayTest {
    private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    @Test
    void aRoundTripThroughTheRelayTakesTwiceTheOneWayDelay() throws Exception {
        InetSocketAddress echo = echoServer();
        DelayRelay relay = relay(echo, Duration.ofMillis(40), DelayRelay.HELD_BYTES_MAX);
        try (Socket client = new Socket()) {
            client.setTcpNoDelay(true);
            client.connect(relay.localAddresses().get(0), 5_000);
            for (int round = 0; round < 5; round++) {
                long start = System.nanoTime();
                client.getOutputStream().write(round);
                assertThat(client.getInputStream().read()).isEqualTo(round);
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertThat(millis).as("round trip %d", round).isGreaterThanOrEqualTo(80).isLessThan(80 + 500);
            }
        }
    }

    @Test
    void bytesArriveWholeAndInOrder() throws Exception {
        InetSocketAddress echo = echoServer();
        DelayRelay relay = relay(echo, Duration.ofMillis(5), DelayRelay.HELD_BYTES_MAX);
        byte[] sent = new byte[2 << 20];
        new Random(7).nextBytes(sent);
        try (Socket client = new Socket()) {
            client.connect(relay.localAddresses().get(0), 5_000);
            CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> readFully(client, sent.length));
            Random sizes = new Random(11);
            OutputStream out = client.getOutputStream();
            for (int offset = 0; offset < sent.length; ) {
                int length = Math.min(sent.length - offset, 1 + sizes.nextInt(20_000));
                out.write(sent, offset, length);
                offset += length;
            }
            assertThat(received.get()).isEqualTo(sent);
        }
    }

    @Test
    void aConnectionHoldsAtMostItsBoundAndTheSenderIsHeldBack() throws Exception {
        int heldBytesMax = 256 << 10;
        Duration delay = Duration.ofMillis(200);
        InetSocketAddress echo = echoServer();
        DelayRelay relay = relay(echo, delay, heldBytesMax);
        byte[] sent = new byte[2 << 20];
        new Random(13).nextBytes(sent);
        try (Socket client = new Socket()) {
            client.connect(relay.localAddresses().get(0), 5_000);
            long start = System.nanoTime();
            CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> readFully(client, sent.length));
            client.getOutputStream().write(sent);
            assertThat(received.get()).isEqualTo(sent);
            long millis = (System.nanoTime() - start) / 1_000_000;
            int oneReadMax = 64 << 10; // what the relay may read in one go once below its bound
            assertThat(relay.heldBytesPeak()).isGreaterThanOrEqualTo(heldBytesMax).isLessThanOrEqualTo(heldBytesMax + oneReadMax);
            // at most heldBytesMax + one read per delay can pass each way: 2 MiB needs at least 6 delays
            assertThat(millis).isGreaterThanOrEqualTo(6 * delay.toMillis());
        }
    }

    @Test
    void aConnectionToAHostThatIsNotThereIsClosed() throws Exception {
        InetSocketAddress nobody;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            nobody = (InetSocketAddress) probe.getLocalSocketAddress();
        }
        DelayRelay relay = relay(nobody, Duration.ofMillis(1), DelayRelay.HELD_BYTES_MAX);
        try (Socket client = new Socket()) {
            client.setSoTimeout(10_000);
            client.connect(relay.localAddresses().get(0), 5_000);
            assertThat(client.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void routesParseAndFormatTheSame() {
        DelayRelay.Route route = DelayRelay.Route.parse("10.77.0.100:7600=10.77.0.10:7600");
        assertThat(route.listen()).isEqualTo(new InetSocketAddress("10.77.0.100", 7600));
        assertThat(route.target()).isEqualTo(new InetSocketAddress("10.77.0.10", 7600));
        assertThat(route.format()).isEqualTo("10.77.0.100:7600=10.77.0.10:7600");
    }

    private DelayRelay relay(InetSocketAddress target, Duration oneWay, int heldBytesMax) throws IOException {
        DelayRelay relay = DelayRelay.start(List.of(new DelayRelay.Route(
                new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), target)), oneWay, heldBytesMax);
        open.add(relay);
        return relay;
    }

    /** A server on loopback that writes back whatever each connection sends. */
    private InetSocketAddress echoServer() throws IOException {
        ServerSocket server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        open.add(server);
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    open.add(s);
                    Thread.ofVirtual().start(() -> {
                        try (InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                            in.transferTo(out);
                        } catch (IOException ended) {
                            // the test closed it
                        }
                    });
                } catch (IOException closed) {
                    return;
                }
            }
        });
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    private static byte[] readFully(Socket socket, int length) {
        try {
            return socket.getInputStream().readNBytes(length);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
