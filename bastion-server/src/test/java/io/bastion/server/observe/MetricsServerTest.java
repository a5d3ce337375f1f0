package io.bastion.server.observe;

import io.bastion.net.EventLoops;
import io.netty.channel.EventLoopGroup;
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
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class MetricsServerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT).build();
    private Metrics metrics;
    private MetricsServer server;

    @BeforeEach
    void start() {
        metrics = new Metrics();
        metrics.counter("bastion_test_total", "Test counter.").add(5);
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
        assertThat(response.body()).isEqualTo(metrics.scrape()).contains("bastion_test_total 5\n");
        ExpositionParser.parse(response.body());
        assertThat(send("GET", "/metrics?name=x").statusCode()).isEqualTo(200);
        HttpResponse<String> head = send("HEAD", "/metrics");
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
    }

    @Test
    void otherPathsAre404AndOtherMethods405() throws Exception {
        assertThat(send("GET", "/").statusCode()).isEqualTo(404);
        assertThat(send("GET", "/metrics/extra").statusCode()).isEqualTo(404);
        HttpResponse<String> post = send("POST", "/metrics");
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("allow")).hasValue("GET, HEAD");
        assertThat(send("DELETE", "/metrics").statusCode()).isEqualTo(405);
    }

    @Test
    void malformedRequestsGet400AndTheServerKeepsServing() throws Exception {
        assertThat(raw("GARBAGE\r\n\r\n")).startsWith("HTTP/1.1 400");
        assertThat(raw("GET /metrics HTTP/1.1\r\nHost: x\r\nBroken header line\r\n\r\n")).startsWith("HTTP/1.1 400");
        assertThat(raw("GET /" + "a".repeat(MetricsServer.REQUEST_LINE_BYTES_MAX + 1) + " HTTP/1.1\r\n\r\n"))
                .startsWith("HTTP/1.1 400");
        assertThat(raw("GET /metrics HTTP/1.1\r\nX-Big: " + "b".repeat(MetricsServer.HEADER_BYTES_MAX + 1) + "\r\n\r\n"))
                .startsWith("HTTP/1.1 400");
        assertThat(raw("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: " + (MetricsServer.BODY_BYTES_MAX + 1)
                + "\r\n\r\n")).startsWith("HTTP/1.1 413");
        assertThat(send("GET", "/metrics").statusCode()).isEqualTo(200);
    }

    /** Sends {@code request} on a fresh connection and returns the response's status line. */
    private String raw(String request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()), (int) TIMEOUT.toMillis());
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
        metrics.gauge("bastion_test_flaky", "Flaky.", () -> {
            if (broken[0]) {
                throw new IllegalStateException("not ready");
            }
            return 1;
        });
        assertThat(send("GET", "/metrics").statusCode()).isEqualTo(500);
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
