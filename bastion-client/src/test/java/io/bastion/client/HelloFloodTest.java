package io.bastion.client;

import java.util.EnumSet;
import io.bastion.net.tls.ClientSecurity;
import io.bastion.server.ReplicaTls;
import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.message.Codec;
import io.bastion.core.message.Hello;
import io.bastion.core.message.Envelope;
import io.bastion.core.service.NullService;
import io.bastion.crypto.Ed25519SigningKey;
import io.bastion.crypto.KeyFiles;
import io.bastion.crypto.SigningKey;
import io.bastion.crypto.StandardSignatureVerifier;
import io.bastion.net.NetSettings;
import io.bastion.net.config.ClusterGenerator;
import io.bastion.net.endpoint.ClientLimits;
import io.bastion.net.endpoint.Throttled;
import io.bastion.server.ReplicaNode;
import io.bastion.server.observe.StandardMetrics;
import io.bastion.server.runtime.ReplicaRuntime;
import io.bastion.server.runtime.ReplicaStorage;
import io.bastion.net.testing.Await;
import io.bastion.net.testing.Ports;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 100,000 Hellos from fresh keys, over 16 raw connections from 16 loopback addresses, at one
 * replica whose per-address table holds 8: every Hello is answered or dropped and counted, the
 * replica keeps no state per Hello, its tables stay within their bounds, and a legitimate client
 * that needs this replica's challenge joins while the flood runs.
 */
class HelloFloodTest {
    private static final int HELLOS = 100_000;
    private static final int CONNECTIONS = 16;
    private static final int ADDRESSES_MAX = 8;
    private static final int PER_CONNECTION = HELLOS / CONNECTIONS;
    /** Hellos per write; the flood is paced over about three seconds so a join can happen inside it. */
    private static final int BATCH = 50;
    private static final long BATCH_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(24);
    private static final Duration BOUND = Duration.ofSeconds(30);

    @TempDir
    Path directory;

    private final List<ReplicaNode> nodes = new ArrayList<>();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
        nodes.forEach(ReplicaNode::close);
    }

    @Test
    void aFloodOfHellosCostsBoundedStateAndDoesNotKeepAClientOut() throws Exception {
        Assumptions.assumeTrue(loopbackRangeUsable(), "needs source addresses in 127.0.0.0/8 beyond 127.0.0.1 (Linux)");
        var generated = ClusterGenerator.generate(directory, 4, 0, Ports.base(12), new SecureRandom());
        int metricsPort = Ports.base(1);
        for (int id = 0; id < 4; id++) {
            ReplicaNode.Options options = ReplicaNode.Options.defaults(ReplicaStorage.none());
            if (id == 0) {
                options = new ReplicaNode.Options(null, options.net(), options.runtime(), options.storage(), null,
                        metricsPort).withClientLimits(ClientLimits.DEFAULTS.withAddressesMax(ADDRESSES_MAX));
            }
            // the flood speaks the frame format over plain sockets, the scrape plain HTTP: those ports run without TLS
            options = options.withTls(ReplicaTls.keygenFiles(directory, id)
                    .withPlaintext(EnumSet.of(ReplicaTls.Port.CLIENT, ReplicaTls.Port.METRICS)));
            nodes.add(ReplicaNode.start(generated.config(), id,
                    KeyFiles.readPrivateKey(generated.replicaKeyFiles().get(id)), new NullService(), options));
        }
        ReplicaNode target = nodes.get(0);
        InetSocketAddress port = new InetSocketAddress(generated.config().replica(0).host(),
                generated.config().replica(0).clientPort());

        AtomicInteger sent = new AtomicInteger();
        AtomicBoolean flooding = new AtomicBoolean(true);
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        int[] peaks = new int[3]; // addresses tracked, Hellos waiting to be signed, bound client ids
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (flooding.get()) {
                peaks[0] = Math.max(peaks[0], target.endpoint().helloAddressesTracked());
                peaks[1] = Math.max(peaks[1], target.runtime().hellosInFlight());
                peaks[2] = Math.max(peaks[2], target.endpoint().boundClientCount());
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
        });
        long floodStart = System.nanoTime();
        List<Thread> floods = new ArrayList<>();
        for (int c = 0; c < CONNECTIONS; c++) {
            Socket socket = new Socket();
            open.add(socket);
            socket.bind(new InetSocketAddress("127.0.0." + (2 + c), 0)); // a source address of its own
            socket.connect(port, 5_000);
            floods.add(Thread.ofPlatform().daemon().start(() -> drain(socket)));
            int seed = c;
            floods.add(Thread.ofPlatform().daemon().start(() -> {
                try {
                    flood(socket, new SplittableRandom(seed), sent);
                } catch (Throwable t) {
                    errors.add(t);
                }
            }));
        }
        Await.until("the replica throttles the flood", BOUND, () -> throttledHellos(target) > 0);

        // needs replica 0's challenge: replica 3's never reach it
        SigningKey key = Ed25519SigningKey.generate(new SecureRandom());
        BastionClient client = BastionClient.connectDynamic(generated.config(), key, key.publicKey(),
                new StandardSignatureVerifier(), new ChallengeTampering(new NettyClientTransport(generated.config(),
                        NetSettings.DEFAULTS, ClientSecurity.PLAINTEXT, null), 3, (challenge, deliver) -> { }),
                ClientOptions.defaults().withRequestTimeout(BOUND));
        open.add(client);
        assertThat(client.join("legitimate".getBytes(StandardCharsets.UTF_8)).identity()).isEqualTo("legitimate");
        int sentWhenJoined = sent.get();
        client.invoke(NullService.operation(8, 8));

        Await.until("every Hello answered or dropped", BOUND, () -> accountedHellos(target) >= HELLOS);
        double floodSeconds = (System.nanoTime() - floodStart) / 1e9;
        flooding.set(false);
        sampler.join(5_000);
        assertThat(errors).isEmpty();
        assertThat(sent.get()).isEqualTo(HELLOS);
        assertThat(sentWhenJoined).as("the client joined while the flood ran").isLessThan(HELLOS);

        long answered = target.runtime().stats().hellosAnswered();
        long legitimate = 10; // the client's own Hellos, sent again at most a few times
        assertThat(accountedHellos(target)).isLessThanOrEqualTo(HELLOS + legitimate);
        assertThat(throttledHellos(target)).isPositive();
        assertThat(answered).as("at most the connections' bursts and their rates over the flood")
                .isLessThanOrEqualTo((long) (CONNECTIONS * (ClientLimits.DEFAULT_HELLO_BURST_PER_CONNECTION
                        + ClientLimits.DEFAULT_HELLOS_PER_CONNECTION_PER_SECOND * (floodSeconds + 1)) + legitimate));
        assertThat(target.endpoint().throttled().get(Throttled.HELLO_PER_CONNECTION)).isPositive();

        assertThat(peaks[0]).as("addresses tracked").isBetween(1, ADDRESSES_MAX);
        assertThat(target.endpoint().helloAddressesTracked()).isLessThanOrEqualTo(ADDRESSES_MAX);
        assertThat(peaks[1]).as("Hellos waiting to be signed").isLessThanOrEqualTo(ReplicaRuntime.HELLOS_IN_FLIGHT_MAX);
        assertThat(peaks[2]).as("client ids bound: the legitimate client's provisional and session ids at most")
                .isLessThanOrEqualTo(2);
        assertThat(target.runtime().sessions().liveCount()).isEqualTo(1);
        assertThat(target.runtime().requestArrivalsTracked()).isLessThanOrEqualTo(1);
        assertThat(target.runtime().failure()).isNull();

        String metrics = scrape(metricsPort);
        assertThat(seriesValue(metrics, StandardMetrics.HELLOS_ANSWERED)).isEqualTo(answered);
        assertThat(seriesValue(metrics, StandardMetrics.DROPPED_MESSAGES + "{reason=\"hello_per_connection\"}"))
                .isEqualTo(target.endpoint().throttled().get(Throttled.HELLO_PER_CONNECTION)).isPositive();
        assertThat(seriesValue(metrics, StandardMetrics.SESSIONS_LIVE)).isEqualTo(1);
    }

    private static boolean loopbackRangeUsable() {
        try (Socket probe = new Socket()) {
            probe.bind(new InetSocketAddress("127.0.0." + (1 + CONNECTIONS), 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Hellos with fresh random Ed25519 public keys (a Hello is not signed, so no private key is needed). */
    private static void flood(Socket socket, SplittableRandom random, AtomicInteger sent) throws IOException {
        OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 64 << 10);
        for (int i = 0; i < PER_CONNECTION; i++) {
            byte[] key = new byte[32];
            byte[] nonce = new byte[Hello.NONCE_BYTES_MIN];
            random.nextBytes(key);
            random.nextBytes(nonce);
            byte[] frame = Codec.encodeFrame(Envelope.unsigned(new Hello(
                    new PublicKeyRef(PublicKeyRef.Algorithm.ED25519, key), nonce, new byte[0])));
            out.write(ByteBuffer.allocate(4).putInt(frame.length).array());
            out.write(frame);
            sent.incrementAndGet();
            if ((i + 1) % BATCH == 0) {
                out.flush();
                LockSupport.parkNanos(BATCH_PAUSE_NANOS); // pacing, not synchronisation
            }
        }
        out.flush();
    }

    /** Reads and discards the challenges, so the replica's answers never back up into a reset. */
    private static void drain(Socket socket) {
        byte[] sink = new byte[16 << 10];
        try (InputStream in = socket.getInputStream()) {
            while (in.read(sink) >= 0) {
                // discard
            }
        } catch (IOException closed) {
            // the test closed the socket
        }
    }

    private static long throttledHellos(ReplicaNode node) {
        var throttled = node.endpoint().throttled();
        return throttled.get(Throttled.HELLO_PER_CONNECTION) + throttled.get(Throttled.HELLO_PER_ADDRESS);
    }

    /** Every way a Hello can end at the replica: answered, over a rate limit, over the signing backlog. */
    private static long accountedHellos(ReplicaNode node) {
        var stats = node.runtime().stats();
        return stats.hellosAnswered() + throttledHellos(node) + stats.hellosDropped();
    }

    private static String scrape(int port) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The value of one series (counts are written as floats: {@code 12.0}). */
    private static long seriesValue(String exposition, String series) {
        for (String line : exposition.split("\n")) {
            if (line.startsWith(series + " ")) {
                return (long) Double.parseDouble(line.substring(series.length() + 1).strip());
            }
        }
        throw new AssertionError("no " + series + " in\n" + exposition);
    }
}
