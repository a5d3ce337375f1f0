package io.bastion.cli;

import io.bastion.net.tls.CertificateAuthority;
import io.bastion.net.tls.KeyMaterial;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link MetricsProbe} against small local servers standing in for metrics ports: what it reads
 * from a good one, and why it refuses an expired or misnamed certificate, a server that does not
 * answer (within its timeout) and one that is not Bastion.
 */
class MetricsProbeTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String METRICS = """
            # TYPE bastion_view gauge
            bastion_view 2
            bastion_last_executed_seq 300
            bastion_last_stable_seq 256
            bastion_peers_connected 3
            bastion_rejected_frames_total{reason="truncated"} 1
            """;

    private final CertificateAuthority ca = CertificateAuthority.generate("test CA", RANDOM);
    private final List<AutoCloseable> servers = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable server : servers) {
            server.close();
        }
    }

    private MetricsProbe probe(Duration timeout) {
        return new MetricsProbe(List.of(ca.certificate()), false, timeout, Clock.systemUTC());
    }

    private ReplicaReading read(MetricsProbe probe, int port) throws InterruptedException {
        return probe.readAll(List.of(new MetricsProbe.Target(0, "127.0.0.1", port))).get(0);
    }

    @Test
    void readsViewSequenceNumbersPeersAndTheCertificateExpiry() throws Exception {
        Instant notAfter = Instant.now().plus(Duration.ofDays(90)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        KeyMaterial good = ca.issueServer("metrics", List.of("127.0.0.1"), Instant.now().minus(Duration.ofHours(1)),
                notAfter, RANDOM);
        ReplicaReading reading = read(probe(Duration.ofSeconds(10)), tlsServer(good, "HTTP/1.1 200 OK", METRICS));
        assertThat(reading.error()).isNull();
        assertThat(reading.view()).isEqualTo(2);
        assertThat(reading.lastExecuted()).isEqualTo(300);
        assertThat(reading.lastStable()).isEqualTo(256);
        assertThat(reading.peers()).isEqualTo(3);
        assertThat(reading.certificateExpires()).isEqualTo(notAfter);
    }

    @Test
    void anExpiredCertificateIsRefusedSayingWhenItExpired() throws Exception {
        Instant expired = Instant.now().minus(Duration.ofDays(2)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        KeyMaterial old = ca.issueServer("metrics", List.of("127.0.0.1"), expired.minus(Duration.ofDays(90)), expired,
                RANDOM);
        ReplicaReading reading = read(probe(Duration.ofSeconds(10)), tlsServer(old, "HTTP/1.1 200 OK", METRICS));
        assertThat(reading.reachable()).isFalse();
        assertThat(reading.error()).startsWith("its certificate expired on " + expired).contains("renew");
        assertThat(reading.certificateExpires()).isEqualTo(expired);
    }

    @Test
    void aCertificateForAnotherHostOrFromAnotherCaIsRefusedByReason() throws Exception {
        KeyMaterial elsewhere = ca.issueServer("metrics", List.of("r9.vote.example"), RANDOM);
        assertThat(read(probe(Duration.ofSeconds(10)), tlsServer(elsewhere, "HTTP/1.1 200 OK", METRICS)).error())
                .startsWith("its certificate does not name 127.0.0.1");
        KeyMaterial stranger = CertificateAuthority.generate("another CA", RANDOM)
                .issueServer("metrics", List.of("127.0.0.1"), RANDOM);
        assertThat(read(probe(Duration.ofSeconds(10)), tlsServer(stranger, "HTTP/1.1 200 OK", METRICS)).error())
                .contains("is issued neither by the cluster CA of the cluster file nor by a publicly trusted CA");
    }

    @Test
    void aServerThatNeverAnswersIsGivenUpOnAtTheTimeout() throws Exception {
        ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress()); // accepts, never speaks
        servers.add(silent);
        long started = System.nanoTime();
        List<ReplicaReading> readings = probe(Duration.ofMillis(500)).readAll(List.of(
                new MetricsProbe.Target(0, "127.0.0.1", silent.getLocalPort()),
                new MetricsProbe.Target(1, "127.0.0.1", silent.getLocalPort())));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(readings).extracting(ReplicaReading::error).containsOnly("no answer within 500 ms");
        assertThat(took).as("both at once, within the timeout").isLessThan(Duration.ofMillis(2_500));
    }

    @Test
    void somethingOtherThanBastionMetricsIsNamed() throws Exception {
        KeyMaterial good = ca.issueServer("metrics", List.of("127.0.0.1"), RANDOM);
        assertThat(read(probe(Duration.ofSeconds(10)), tlsServer(good, "HTTP/1.1 404 Not Found", "not found\n")).error())
                .isEqualTo("answered HTTP/1.1 404 Not Found for /metrics (not a Bastion metrics port?)");
        assertThat(read(probe(Duration.ofSeconds(10)), tlsServer(good, "HTTP/1.1 200 OK", "node_load1 0.5\n")).error())
                .contains("its metrics lack bastion_view");
        try (ServerSocket closed = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = closed.getLocalPort();
            closed.close();
            assertThat(read(probe(Duration.ofSeconds(10)), port).error()).startsWith("connection refused");
        }
    }

    /** A TLS server on 127.0.0.1 presenting {@code identity} that answers every request with {@code body}. */
    private int tlsServer(KeyMaterial identity, String statusLine, String body) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        char[] password = "test".toCharArray();
        store.setKeyEntry("metrics", identity.key(), password, identity.chain());
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(keys.getKeyManagers(), null, null);
        SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        servers.add(server);
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                    readRequest(socket.getInputStream());
                    socket.getOutputStream().write((statusLine + "\r\nContent-Type: text/plain\r\nContent-Length: "
                            + content.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    socket.getOutputStream().write(content);
                } catch (IOException refusedOrClosed) {
                    // a client that refused the certificate, or the server closing
                }
            }
        });
        return server.getLocalPort();
    }

    private static void readRequest(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < end.length) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before the request ended");
            }
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
    }
}
