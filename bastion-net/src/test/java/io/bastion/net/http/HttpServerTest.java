package io.bastion.net.http;

import io.bastion.net.EventLoops;
import io.bastion.net.NetSettings;
import io.bastion.net.Rejection;
import io.bastion.net.channel.EventLoopLease;
import io.bastion.net.testing.Await;
import io.bastion.net.testing.TestCluster;
import io.bastion.net.tls.ChannelSecurity;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one HTTP server of the web and metrics ports, with routes of its own: how a request finds
 * its answer, and the limits on connections. Raw sockets on 127.0.0.1, so every byte is as sent.
 * (The web and metrics ports' own tests cover the request size limits and TLS.)
 */
class HttpServerTest {
    private static final Duration BOUND = Duration.ofSeconds(10);

    private final EventLoopGroup group = EventLoops.newGroup(1, "test-http");
    private final List<AutoCloseable> open = new ArrayList<>();
    private final AtomicBoolean broken = new AtomicBoolean();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
        EventLoops.shutdown(group);
    }

    private HttpServer start(HttpRoutes routes, HttpServer.Limits limits) {
        HttpServer server = new HttpServer("test", new InetSocketAddress(TestCluster.HOST, 0), ChannelSecurity.PLAINTEXT,
                EventLoopLease.borrowed(group), NetSettings.DEFAULTS, limits, routes, HttpServer.Upgrade.NONE).start();
        open.add(server);
        return server;
    }

    private HttpServer start(HttpRoutes routes) {
        return start(routes, new HttpServer.Limits(4, BOUND.toMillis(), BOUND.toMillis()));
    }

    private HttpRoutes pages(boolean withFallback) {
        HttpRoutes.Builder builder = HttpRoutes.builder()
                .route("/page", path -> HttpRoutes.content("page\n".getBytes(StandardCharsets.UTF_8), "text/plain"))
                .route("/broken", path -> {
                    if (broken.get()) {
                        throw new IllegalStateException("not ready");
                    }
                    return HttpRoutes.content(new byte[] {'o', 'k'}, "text/plain");
                })
                .notFound("pages are at /page")
                .header("x-test", "yes");
        if (withFallback) {
            builder.fallback(path -> HttpRoutes.plain(HttpResponseStatus.OK, "fallback for " + path));
        }
        return builder.build();
    }

    /** Sends {@code request} on a fresh connection and reads the answer until the server closes it. */
    private static String exchange(HttpServer server, String request) throws IOException {
        try (Socket socket = new Socket(TestCluster.HOST, server.localAddress().getPort())) {
            socket.setSoTimeout((int) BOUND.toMillis());
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static String get(HttpServer server, String method, String target) throws IOException {
        return exchange(server, method + " " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    }

    @Test
    void aPathFindsItsRouteAndOtherwiseTheFallbackOr404() throws Exception {
        HttpServer server = start(pages(false));
        assertThat(get(server, "GET", "/page?query=ignored")).startsWith("HTTP/1.1 200").endsWith("\r\n\r\npage\n")
                .contains("content-length: 5").contains("x-test: yes").contains("connection: close");
        assertThat(get(server, "GET", "/other")).startsWith("HTTP/1.1 404").endsWith("pages are at /page\n")
                .contains("x-test: yes");
        assertThat(get(server, "POST", "/other")).as("no route: 404 whatever the method").startsWith("HTTP/1.1 404");
        assertThat(get(server, "GET", "/page/")).startsWith("HTTP/1.1 404");
        assertThat(get(server, "GET", "/%zz")).as("a broken escape").startsWith("HTTP/1.1 400");

        HttpServer withFallback = start(pages(true));
        assertThat(get(withFallback, "GET", "/other")).startsWith("HTTP/1.1 200").endsWith("fallback for /other\n");
        assertThat(get(withFallback, "GET", "/page")).endsWith("page\n");
        assertThat(get(withFallback, "POST", "/other")).startsWith("HTTP/1.1 405");
    }

    @Test
    void onlyGetAndHeadAreAnsweredAndHeadWithoutABody() throws Exception {
        HttpServer server = start(pages(false));
        for (String method : List.of("POST", "PUT", "DELETE", "OPTIONS")) {
            assertThat(get(server, method, "/page")).as(method).startsWith("HTTP/1.1 405")
                    .contains("allow: " + HttpRoutes.ALLOWED_METHODS).contains("x-test: yes");
        }
        assertThat(get(server, "HEAD", "/page")).startsWith("HTTP/1.1 200").contains("content-length: 5")
                .endsWith("\r\n\r\n");
    }

    @Test
    void aRouteThatThrowsGets500AndTheNextRequestIsAnswered() throws Exception {
        HttpServer server = start(pages(false));
        broken.set(true);
        assertThat(get(server, "GET", "/broken")).startsWith("HTTP/1.1 500").doesNotContain("not ready");
        broken.set(false);
        assertThat(get(server, "GET", "/broken")).startsWith("HTTP/1.1 200").endsWith("ok");
    }

    @Test
    void keepAliveAnswersSeveralRequestsOnOneConnection() throws Exception {
        HttpServer server = start(pages(false));
        String request = "GET /page HTTP/1.1\r\nHost: x\r\n\r\n";
        try (Socket socket = new Socket(TestCluster.HOST, server.localAddress().getPort())) {
            socket.setSoTimeout((int) BOUND.toMillis());
            for (int i = 0; i < 3; i++) {
                socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
                assertThat(readAnswer(socket.getInputStream(), "page\n")).as("answer " + i).startsWith("HTTP/1.1 200")
                        .contains("connection: keep-alive");
            }
        }
    }

    @Test
    void connectionsBeyondTheLimitAreClosedAndCounted() throws Exception {
        HttpServer server = start(pages(false), new HttpServer.Limits(2, BOUND.toMillis(), BOUND.toMillis()));
        try (Socket first = new Socket(TestCluster.HOST, server.localAddress().getPort());
             Socket second = new Socket(TestCluster.HOST, server.localAddress().getPort())) {
            Await.until("both connections hold a slot", () -> server.connectionCount() == 2);
            try (Socket third = new Socket(TestCluster.HOST, server.localAddress().getPort())) {
                third.setSoTimeout((int) BOUND.toMillis());
                assertThat(third.getInputStream().read()).as("closed at once").isEqualTo(-1);
            }
            assertThat(server.transportCounters().rejected(Rejection.CONNECTION_LIMIT)).isEqualTo(1);
        }
        Await.until("the slots are free again", () -> server.connectionCount() == 0);
        assertThat(get(server, "GET", "/page")).startsWith("HTTP/1.1 200");
    }

    @Test
    void aConnectionWithoutARequestIsClosedAtTheFirstRequestLimit() throws Exception {
        HttpServer server = start(pages(false), new HttpServer.Limits(4, 300, BOUND.toMillis()));
        try (Socket silent = new Socket(TestCluster.HOST, server.localAddress().getPort())) {
            silent.setSoTimeout((int) BOUND.toMillis());
            silent.getOutputStream().write("GET /page HTTP/1.1\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertThat(silent.getInputStream().read()).as("closed without an answer").isEqualTo(-1);
        }
        assertThat(server.transportCounters().rejected(Rejection.MESSAGE_TIMEOUT)).isEqualTo(1);
    }

    @Test
    void closeShutsDownAnOwnedGroupAndReleasesThePort() throws Exception {
        EventLoopLease owned = EventLoopLease.owned(1, "test-owned");
        HttpServer server = new HttpServer("test", new InetSocketAddress(TestCluster.HOST, 0), ChannelSecurity.PLAINTEXT,
                owned, NetSettings.DEFAULTS, new HttpServer.Limits(4, BOUND.toMillis(), BOUND.toMillis()), pages(false),
                HttpServer.Upgrade.NONE).start();
        int port = server.localAddress().getPort();
        assertThat(server.origin()).isEqualTo("http://" + TestCluster.HOST + ":" + port);
        server.close();
        server.close();
        assertThat(owned.group().isShuttingDown()).isTrue();

        HttpServer again = new HttpServer("test", new InetSocketAddress(TestCluster.HOST, port),
                ChannelSecurity.PLAINTEXT, EventLoopLease.borrowed(group), NetSettings.DEFAULTS,
                new HttpServer.Limits(4, BOUND.toMillis(), BOUND.toMillis()), pages(false), HttpServer.Upgrade.NONE);
        open.add(again);
        assertThat(again.start().localAddress().getPort()).isEqualTo(port);
        again.close();
        assertThat(group.isShuttingDown()).as("a borrowed group stays up").isFalse();
    }

    /** Reads one answer whose body ends with {@code bodyEnd}. */
    private static String readAnswer(InputStream in, String bodyEnd) throws IOException {
        StringBuilder answer = new StringBuilder();
        while (!(answer.indexOf("\r\n\r\n") >= 0 && answer.toString().endsWith(bodyEnd))) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + answer);
            }
            answer.append((char) b);
        }
        return answer.toString();
    }
}
