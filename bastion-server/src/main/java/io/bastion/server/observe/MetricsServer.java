package io.bastion.server.observe;

import io.bastion.core.util.Check;
import io.bastion.net.NetSettings;
import io.bastion.net.TransportCounters;
import io.bastion.net.channel.EventLoopLease;
import io.bastion.net.http.HttpRoutes;
import io.bastion.net.http.HttpServer;
import io.bastion.net.tls.ChannelSecurity;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A replica's metrics port: serves a {@link PrometheusRegistry} (see {@link StandardMetrics}) to
 * Prometheus over HTTP/1.1, over TLS unless built plaintext. {@code GET} or {@code HEAD} of
 * {@value #PATH} (a query string is ignored) answers with the text exposition format 0.0.4
 * ({@link #CONTENT_TYPE}), as the Prometheus Java client writes it; if a metric cannot be read
 * that scrape gets 500. The port is an {@link HttpServer}, the same as the web port's, with this
 * one route: another path gets 404, another method 405, a request it cannot read 400, a body over
 * {@link HttpServer#BODY_BYTES_MAX} 413. It holds at most {@link #CONNECTIONS_MAX} connections and
 * closes one that completes no request for {@link #IDLE_TIMEOUT_MILLIS}.
 *
 * <p>Thread-safe. Requests are served on a Netty event loop, passed in or owned. {@link #close}
 * closes every connection and returns once the port can be bound again; it must not be called on
 * an event-loop thread.
 */
public final class MetricsServer implements AutoCloseable {
    /** The one path served. */
    public static final String PATH = "/metrics";
    /** Content type of the text exposition format this server speaks. */
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;
    /** Connections open at once; more are closed as soon as they are accepted. */
    public static final int CONNECTIONS_MAX = 16;
    /**
     * A connection that completes no request for this long is closed (and the first request, TLS
     * handshake included, must come this soon after connecting).
     */
    public static final long IDLE_TIMEOUT_MILLIS = 30_000;
    /** Event-loop threads of a server that makes its own group. */
    public static final int OWNED_EVENT_LOOP_THREADS = 1;

    private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);
    private static final PrometheusTextFormatWriter TEXT_FORMAT = PrometheusTextFormatWriter.create();

    private final HttpServer server;

    private MetricsServer(InetSocketAddress address, PrometheusRegistry registry, ChannelSecurity security,
                          EventLoopLease loops) {
        HttpRoutes routes = HttpRoutes.builder()
                .route(PATH, path -> scrapeAnswer(registry))
                .notFound("metrics are at " + PATH)
                .build();
        this.server = new HttpServer("metrics", address, security, loops, NetSettings.DEFAULTS,
                new HttpServer.Limits(CONNECTIONS_MAX, IDLE_TIMEOUT_MILLIS, IDLE_TIMEOUT_MILLIS), routes,
                HttpServer.Upgrade.NONE).start();
        LOG.info("serving metrics on {}{}", server.origin(), PATH);
    }

    /**
     * Serves {@code registry} over plain HTTP on {@code host:port} (port 0 picks a free one) with
     * an event-loop thread of its own.
     *
     * @throws UncheckedIOException if the address cannot be bound
     */
    public static MetricsServer start(String host, int port, PrometheusRegistry registry) {
        Check.argument(port >= 0 && port <= 0xFFFF, "not a port: " + port);
        return new MetricsServer(new InetSocketAddress(host, port), registry, ChannelSecurity.PLAINTEXT,
                EventLoopLease.owned(OWNED_EVENT_LOOP_THREADS, "metrics"));
    }

    /**
     * Serves {@code registry} over plain HTTP on {@code address} using {@code group}, which the
     * caller shuts down after {@link #close}.
     */
    public static MetricsServer start(InetSocketAddress address, PrometheusRegistry registry, EventLoopGroup group) {
        return start(address, registry, ChannelSecurity.PLAINTEXT, group);
    }

    /** As above, secured by {@code security} (HTTPS with the replica's web certificate). */
    public static MetricsServer start(InetSocketAddress address, PrometheusRegistry registry, ChannelSecurity security,
                                      EventLoopGroup group) {
        return new MetricsServer(address, registry, security, EventLoopLease.borrowed(group));
    }

    /**
     * Every metric of {@code registry} in the text exposition format 0.0.4, as a scrape gets it.
     *
     * @throws RuntimeException what a metric's supplier threw
     */
    public static String scrape(PrometheusRegistry registry) {
        return new String(exposition(registry), StandardCharsets.UTF_8);
    }

    private static byte[] exposition(PrometheusRegistry registry) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            TEXT_FORMAT.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e);
        }
        return out.toByteArray();
    }

    private static FullHttpResponse scrapeAnswer(PrometheusRegistry registry) {
        byte[] text;
        try {
            text = exposition(registry);
        } catch (RuntimeException e) {
            LOG.warn("a metric could not be read", e);
            return HttpRoutes.plain(HttpResponseStatus.INTERNAL_SERVER_ERROR, "a metric could not be read: " + e);
        }
        return HttpRoutes.content(text, CONTENT_TYPE);
    }

    /** Connections refused at {@link #CONNECTIONS_MAX}, closed for a time limit or a failed TLS handshake. */
    public TransportCounters transportCounters() {
        return server.transportCounters();
    }

    /** The address the server listens on, with the actual port when 0 was asked for. */
    public InetSocketAddress localAddress() {
        return server.localAddress();
    }

    public int port() {
        return localAddress().getPort();
    }

    /** Closes the listener and every connection, and releases an owned event-loop group. Idempotent. */
    @Override
    public void close() {
        server.close();
    }
}
