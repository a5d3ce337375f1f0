package io.bastion.net.http;

import io.bastion.core.util.Check;
import io.bastion.net.NetSettings;
import io.bastion.net.TransportCounters;
import io.bastion.net.channel.ChannelTracker;
import io.bastion.net.channel.ConnectionLimit;
import io.bastion.net.channel.EventLoopLease;
import io.bastion.net.channel.Sockets;
import io.bastion.net.tls.ChannelSecurity;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An HTTP/1.1 port, the one way a replica serves HTTP (its web port and its metrics port): over
 * TLS unless built with {@link ChannelSecurity#PLAINTEXT}, answering through {@link HttpRoutes}.
 * Everything a client can make it hold is bounded. A request line over
 * {@link #REQUEST_LINE_BYTES_MAX} or a header block over {@link #HEADER_BYTES_MAX} gets 400, a
 * body over {@link #BODY_BYTES_MAX} gets 413. Beyond {@link Limits#connectionsMax()} open
 * connections a new one is closed as soon as it is accepted; the TLS handshake and the first
 * complete request must come within {@link Limits#firstRequestMillis()} of connecting, each later
 * request within {@link Limits#idleMillis()} of the one before ({@link HttpDeadlines}), or the
 * connection is closed. Those closes are counted in {@link #transportCounters()}.
 *
 * <p>Each connection's pipeline is: TLS (when secured), {@value #CODEC}, {@value #AGGREGATOR},
 * {@value #DEADLINES}, {@value #ROUTES}; an {@link Upgrade} may add handlers around them (the web
 * port's WebSocket, which removes {@value #DEADLINES} and {@value #ROUTES} once open).
 *
 * <p>Threads: I/O runs on the event-loop group of the lease; an owned group is shut down by
 * {@link #close}. {@link #start} and {@link #close} must not be called on an event-loop thread;
 * the other methods are thread-safe.
 */
public final class HttpServer implements AutoCloseable {
    /** Longest request line accepted; longer ones get 400. */
    public static final int REQUEST_LINE_BYTES_MAX = 4_096;
    /** Largest header block accepted; larger ones get 400. */
    public static final int HEADER_BYTES_MAX = 8_192;
    /** Largest request body accepted (a GET has none); larger ones get 413. */
    public static final int BODY_BYTES_MAX = 8_192;
    /** Pipeline name of the HTTP codec. */
    public static final String CODEC = "http-codec";
    /** Pipeline name of the aggregator that makes whole requests. */
    public static final String AGGREGATOR = "http-aggregator";
    /** Pipeline name of the {@link HttpDeadlines}. */
    public static final String DEADLINES = "http-deadlines";
    /** Pipeline name of the {@link HttpRoutes}. */
    public static final String ROUTES = "http-routes";

    /**
     * How much one server lets its clients hold.
     *
     * @param connectionsMax     connections open at once
     * @param firstRequestMillis time from connecting to the end of the TLS handshake and of the first request
     * @param idleMillis         time from one request to the next
     */
    public record Limits(int connectionsMax, long firstRequestMillis, long idleMillis) {
        public Limits {
            Check.argument(connectionsMax > 0, "connectionsMax must be positive");
            Check.argument(firstRequestMillis > 0 && idleMillis > 0, "time limits must be positive");
        }
    }

    /** Adds another protocol's handlers to each new connection's pipeline, around the HTTP ones. */
    @FunctionalInterface
    public interface Upgrade {
        Upgrade NONE = pipeline -> { };

        void addTo(ChannelPipeline pipeline);
    }

    private enum State { NEW, STARTED, CLOSED }

    private final String name;
    private final InetSocketAddress bindAddress;
    private final ChannelSecurity security;
    private final EventLoopLease loops;
    private final NetSettings net;
    private final Limits limits;
    private final HttpRoutes routes;
    private final Upgrade upgrade;
    private final TransportCounters counters = new TransportCounters();
    private final ChannelTracker channels = new ChannelTracker();
    private final ConnectionLimit connections;
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private volatile Channel listener;

    /**
     * A server, not listening yet.
     *
     * @param name    what it serves, for errors and log lines ("web", "metrics")
     * @param net     the socket settings (write-buffer water marks)
     */
    public HttpServer(String name, InetSocketAddress bindAddress, ChannelSecurity security, EventLoopLease loops,
                      NetSettings net, Limits limits, HttpRoutes routes, Upgrade upgrade) {
        this.name = name;
        this.bindAddress = bindAddress;
        this.security = security;
        this.loops = loops;
        this.net = net;
        this.limits = limits;
        this.routes = routes;
        this.upgrade = upgrade;
        this.connections = new ConnectionLimit(limits.connectionsMax());
    }

    /** Starts listening. Throws {@link java.io.UncheckedIOException} (after closing) if it cannot bind. */
    public HttpServer start() {
        Check.argument(state.compareAndSet(State.NEW, State.STARTED), "an HTTP server starts once");
        try {
            listener = Sockets.bind(Sockets.listener(loops.group(), net, initializer()), bindAddress, name + " clients");
            return this;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private ChannelInitializer<SocketChannel> initializer() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel channel) {
                if (channels.add(channel) && connections.admit(channel, counters)) {
                    ChannelPipeline pipeline = channel.pipeline()
                            .addLast(CODEC, new HttpServerCodec(new HttpDecoderConfig()
                                    .setMaxInitialLineLength(REQUEST_LINE_BYTES_MAX)
                                    .setMaxHeaderSize(HEADER_BYTES_MAX)))
                            .addLast(AGGREGATOR, new HttpObjectAggregator(BODY_BYTES_MAX))
                            .addLast(DEADLINES, new HttpDeadlines(limits.firstRequestMillis(), limits.idleMillis(),
                                    counters))
                            .addLast(ROUTES, routes);
                    upgrade.addTo(pipeline);
                    security.secure(channel, null, limits.firstRequestMillis(), counters,
                            "a " + name + " client at " + channel.remoteAddress());
                }
            }
        };
    }

    /** Whether the port speaks HTTPS. */
    public boolean isTls() {
        return security.isTls();
    }

    /**
     * Connections refused because {@link Limits#connectionsMax()} were open, closed for a time
     * limit, or for a failed TLS handshake.
     */
    public TransportCounters transportCounters() {
        return counters;
    }

    /** Connections open right now. */
    public int connectionCount() {
        return connections.held();
    }

    /** The address the server listens on, with the actual port when 0 was asked for (null before {@link #start}). */
    public InetSocketAddress localAddress() {
        Channel l = listener;
        return l == null ? null : (InetSocketAddress) l.localAddress();
    }

    /** {@code https://host:port} or {@code http://host:port}, for log lines (after {@link #start}). */
    public String origin() {
        InetSocketAddress address = localAddress();
        return (isTls() ? "https" : "http") + "://" + address.getHostString() + ":" + address.getPort();
    }

    /**
     * Closes the listener and every connection, returns once the port can be bound again, and
     * shuts down an owned event-loop group. Idempotent.
     */
    @Override
    public void close() {
        if (state.getAndSet(State.CLOSED) == State.CLOSED) {
            return;
        }
        Channel l = listener;
        if (l != null) {
            Sockets.closeListener(l);
        }
        channels.closeAll();
        loops.release();
    }
}
