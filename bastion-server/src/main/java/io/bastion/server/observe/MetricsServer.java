package io.bastion.server.observe;

import io.bastion.core.util.Check;
import io.bastion.net.channel.ChannelTracker;
import io.bastion.net.channel.EventLoopLease;
import io.bastion.net.TransportCounters;
import io.bastion.net.channel.Sockets;
import io.bastion.net.tls.ChannelSecurity;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves a {@link Metrics} registry over HTTP/1.1 (over TLS unless built plaintext) for Prometheus: {@code GET /metrics} answers
 * with the text exposition format 0.0.4 ({@link #CONTENT_TYPE}); other paths get 404, other
 * methods 405, unreadable requests 400. Everything a client can make it hold is bounded: the
 * request line, headers and body, the connections open at once, and how long an idle connection
 * stays open.
 *
 * <p>Thread-safe. Requests are served on a Netty event loop, passed in or owned. {@link #close}
 * closes every connection and returns once the port can be bound again; it must not be called on
 * an event-loop thread.
 */
public final class MetricsServer implements AutoCloseable {
    /** The one path served. */
    public static final String PATH = "/metrics";
    /** Content type of the text exposition format this server speaks. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** Longest request line accepted; longer ones get 400. */
    public static final int REQUEST_LINE_BYTES_MAX = 4_096;
    /** Largest header block accepted; larger ones get 400. */
    public static final int HEADER_BYTES_MAX = 8_192;
    /** Largest request body accepted (a scrape has none); larger ones get 413. */
    public static final int BODY_BYTES_MAX = 8_192;
    /** Connections open at once; more are closed as soon as they are accepted. */
    public static final int CONNECTIONS_MAX = 16;
    /** A connection that sends nothing for this long is closed. */
    public static final long IDLE_TIMEOUT_MILLIS = 30_000;
    /** Event-loop threads of a server that makes its own group. */
    public static final int OWNED_EVENT_LOOP_THREADS = 1;
    private static final int ACCEPT_BACKLOG = 16;

    private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);

    private final EventLoopLease loops;
    private final MetricsHttpHandler handler;
    private final ChannelTracker channels = new ChannelTracker();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Channel listener;
    private final ChannelSecurity security;
    private final TransportCounters counters = new TransportCounters();

    private MetricsServer(InetSocketAddress address, Metrics metrics, ChannelSecurity security, EventLoopLease loops) {
        this.loops = loops;
        this.security = security;
        this.handler = new MetricsHttpHandler(metrics);
        try {
            this.listener = Sockets.bind(bootstrap(), address, "metrics");
        } catch (RuntimeException e) {
            loops.release();
            throw e;
        }
        LOG.info("serving metrics on {}://{}:{}{}", security.isTls() ? "https" : "http", localAddress().getHostString(),
                port(), PATH);
    }

    /**
     * Serves {@code metrics} on {@code host:port} (port 0 picks a free one) with an event-loop
     * thread of its own.
     *
     * @throws java.io.UncheckedIOException if the address cannot be bound
     */
    public static MetricsServer start(String host, int port, Metrics metrics) {
        Check.argument(port >= 0 && port <= 0xFFFF, "not a port: " + port);
        return new MetricsServer(new InetSocketAddress(host, port), metrics, ChannelSecurity.PLAINTEXT,
                EventLoopLease.owned(OWNED_EVENT_LOOP_THREADS, "metrics"));
    }

    /**
     * Serves {@code metrics} over plain HTTP on {@code address} using {@code group}, which the
     * caller shuts down after {@link #close}.
     */
    public static MetricsServer start(InetSocketAddress address, Metrics metrics, EventLoopGroup group) {
        return start(address, metrics, ChannelSecurity.PLAINTEXT, group);
    }

    /** As above, secured by {@code security} (HTTPS with the replica's web certificate). */
    public static MetricsServer start(InetSocketAddress address, Metrics metrics, ChannelSecurity security,
                                      EventLoopGroup group) {
        return new MetricsServer(address, metrics, security, EventLoopLease.borrowed(group));
    }

    /** Connections closed for a failed TLS handshake. */
    public TransportCounters counters() {
        return counters;
    }

    private ServerBootstrap bootstrap() {
        return new ServerBootstrap()
                .group(loops.group())
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, ACCEPT_BACKLOG)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        if (admit(channel) && channels.add(channel)) {
                            channel.pipeline()
                                    .addLast(new ReadTimeoutHandler(IDLE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS))
                                    .addLast(new HttpServerCodec(new HttpDecoderConfig()
                                            .setMaxInitialLineLength(REQUEST_LINE_BYTES_MAX)
                                            .setMaxHeaderSize(HEADER_BYTES_MAX)))
                                    .addLast(new HttpObjectAggregator(BODY_BYTES_MAX))
                                    .addLast(handler);
                            security.secure(channel, null, IDLE_TIMEOUT_MILLIS, counters,
                                    "a metrics client at " + channel.remoteAddress());
                        }
                    }
                });
    }

    /** Takes a connection slot for {@code channel} until it closes, or closes it if none is free. */
    private boolean admit(Channel channel) {
        if (open.incrementAndGet() > CONNECTIONS_MAX) {
            open.decrementAndGet();
            LOG.debug("metrics connection from {} refused: {} open", channel.remoteAddress(), CONNECTIONS_MAX);
            channel.close();
            return false;
        }
        channel.closeFuture().addListener(f -> open.decrementAndGet());
        return true;
    }

    /** The address the server listens on, with the actual port when 0 was asked for. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) listener.localAddress();
    }

    public int port() {
        return localAddress().getPort();
    }

    /** Closes the listener and every connection, and releases an owned event-loop group. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Sockets.closeListener(listener);
        channels.closeAll();
        loops.release();
    }
}
