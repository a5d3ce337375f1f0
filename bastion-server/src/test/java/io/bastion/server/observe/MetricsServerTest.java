package io.bastion.server.observe;

import io.bastion.net.EventLoops;
import io.bastion.net.Rejection;
import io.bastion.net.http.HttpServer;
import io.bastion.net.testing.Await;
import io.bastion.net.tls.CertificateAuthority;
import io.bastion.net.tls.ChannelSecurity;
import io.bastion.net.tls.KeyMaterial;
import io.bastion.net.tls.KeyMaterialSource;
import io.bastion.net.tls.TlsContexts;
import io.bastion.net.tls.TlsEngine;
import io.netty.channel.EventLoopGroup;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MetricsServerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT).build();
    private PrometheusRegistry metrics;
    private MetricsServer server;

    @BeforeEach
    void start() {
        metrics = new PrometheusRegistry();
        CounterWithCallback.builder().name("bastion_test_total").help("Test counter.").callback(c -> c.call(5))
                .register(metrics);
        server = MetricsServer.start("127.0.0.1", 0, metrics);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> send(String method, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(TIMEOUT).method(method, HttpRequest.BodyPublishers.noBody()).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aScrapeReturnsTheMetricsInTheTextFormat() throws Exception {
        HttpResponse<String> response = send("GET", "/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(response.body()).isEqualTo(MetricsServer.scrape(metrics)).contains("bastion_test_total 5.0\n");
        ExpositionParser.parse(response.body());
        assertThat(send("GET", "/metrics?name=x").statusCode()).isEqualTo(200);
        HttpResponse<String> head = send("HEAD", "/metrics");
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValueAsLong("content-length")).hasValue(response.body().length());
    }

    @Test
    void otherPathsAre404AndOtherMethods405() throws Exception {
        HttpResponse<String> elsewhere = send("GET", "/");
        assertThat(elsewhere.statusCode()).isEqualTo(404);
        assertThat(elsewhere.body()).isEqualTo("metrics are at /metrics\n");
        assertThat(send("GET", "/metrics/extra").statusCode()).isEqualTo(404);
        assertThat(send("POST", "/other").statusCode()).isEqualTo(404);
        HttpResponse<String> post = send("POST", "/metrics");
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("allow")).hasValue("GET, HEAD");
        assertThat(send("DELETE", "/metrics").statusCode()).isEqualTo(405);
    }

    @Test
    void malformedRequestsGet400AndTheServerKeepsServing() throws Exception {
        assertThat(raw("GARBAGE\r\n\r\n")).startsWith("HTTP/1.1 400");
        assertThat(raw("GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 400");
        assertThat(raw("GET /metrics HTTP/1.1\r\nHost: x\r\nBroken header line\r\n\r\n")).startsWith("HTTP/1.1 400");
        assertThat(raw("GET /" + "a".repeat(HttpServer.REQUEST_LINE_BYTES_MAX + 1) + " HTTP/1.1\r\n\r\n"))
                .startsWith("HTTP/1.1 400");
        assertThat(raw("GET /metrics HTTP/1.1\r\nX-Big: " + "b".repeat(HttpServer.HEADER_BYTES_MAX + 1) + "\r\n\r\n"))
                .startsWith("HTTP/1.1 400");
        assertThat(raw("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: " + (HttpServer.BODY_BYTES_MAX + 1)
                + "\r\n\r\n")).startsWith("HTTP/1.1 413");
        assertThat(send("GET", "/metrics").statusCode()).isEqualTo(200);
    }

    /** Sends {@code request} on a fresh connection and returns the response's status line. */
    private String raw(String request) throws IOException {
        return rawTo(server.port(), request);
    }

    private static String rawTo(int port, String request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) TIMEOUT.toMillis());
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            String text = "";
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                response.write(buffer, 0, n);
                text = response.toString(StandardCharsets.ISO_8859_1);
                if (text.contains("\r\n")) {
                    break;
                }
            }
            return text.contains("\r\n") ? text.substring(0, text.indexOf("\r\n")) : text;
        }
    }

    @Test
    void keepAliveServesSeveralScrapesOnOneConnection() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(send("GET", "/metrics").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aFailingSupplierGives500AndLaterScrapesStillWork() throws Exception {
        boolean[] broken = {true};
        GaugeWithCallback.builder().name("bastion_test_flaky").help("Flaky.").callback(g -> {
            if (broken[0]) {
                throw new IllegalStateException("not ready");
            }
            g.call(1);
        }).register(metrics);
        HttpResponse<String> failed = send("GET", "/metrics");
        assertThat(failed.statusCode()).isEqualTo(500);
        assertThat(failed.body()).startsWith("a metric could not be read").contains("not ready");
        broken[0] = false;
        assertThat(send("GET", "/metrics").statusCode()).isEqualTo(200);
    }

    @Test
    void aServerOnASharedGroupLeavesTheGroupRunning() throws Exception {
        EventLoopGroup group = EventLoops.newGroup(1, "metrics-test");
        try {
            MetricsServer shared = MetricsServer.start(new InetSocketAddress("127.0.0.1", 0), metrics, group);
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + shared.port() + "/metrics"))
                    .timeout(TIMEOUT).build();
            assertThat(http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            shared.close();
            assertThat(group.isShuttingDown()).isFalse();
        } finally {
            EventLoops.shutdown(group);
        }
    }

    @Test
    void overTlsTheMetricsAreServedWithTheCertificateAndPlaintextIsRefused() throws Exception {
        SecureRandom random = new SecureRandom();
        CertificateAuthority ca = CertificateAuthority.generate("test CA", random);
        KeyMaterial web = ca.issueServer("metrics", List.of("127.0.0.1"), random);
        KeyMaterialSource fixed = new KeyMaterialSource() {
            @Override
            public KeyMaterial current() {
                return web;
            }

            @Override
            public KeyMaterial byAlias(String alias) {
                return web.alias().equals(alias) ? web : null;
            }
        };
        EventLoopGroup group = EventLoops.newGroup(1, "metrics-tls-test");
        try (HttpClient https = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT)
                .sslContext(TlsContexts.trusting(List.of(ca.certificate()))).build()) {
            MetricsServer tls = MetricsServer.start(new InetSocketAddress("127.0.0.1", 0), metrics,
                    ChannelSecurity.tls(TlsContexts.server(fixed, TlsEngine.JDK)), group);
            try {
                HttpResponse<String> response = https.send(HttpRequest.newBuilder(
                        URI.create("https://127.0.0.1:" + tls.port() + "/metrics")).timeout(TIMEOUT).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body()).contains("bastion_test_total 5.0\n");
                assertThat(rawTo(tls.port(), "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"))
                        .as("no HTTP answer in plaintext").doesNotStartWith("HTTP/");
                Await.until("the plaintext client is counted", () ->
                        tls.transportCounters().rejected(Rejection.TLS_HANDSHAKE) == 1);
            } finally {
                tls.close();
            }
        } finally {
            EventLoops.shutdown(group);
        }
    }

    @Test
    void closeReleasesThePort() throws Exception {
        int port = server.port();
        assertThat(send("GET", "/metrics").statusCode()).isEqualTo(200); // an open keep-alive connection
        server.close();
        server.close();
        try (ServerSocket again = new ServerSocket()) {
            again.bind(new InetSocketAddress("127.0.0.1", port));
        }
        MetricsServer reopened = MetricsServer.start("127.0.0.1", port, metrics);
        try {
            assertThat(reopened.port()).isEqualTo(port);
        } finally {
            reopened.close();
        }
    }
}
