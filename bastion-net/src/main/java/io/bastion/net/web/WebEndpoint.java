package io.bastion.net.web;

import io.bastion.core.config.ClusterConfig;
import io.bastion.core.util.Check;
import io.bastion.net.NetSettings;
import io.bastion.net.TransportCounters;
import io.bastion.net.channel.ChannelTracker;
import io.bastion.net.channel.ConnectionLimit;
import io.bastion.net.channel.Sockets;
import io.bastion.net.endpoint.ClientEndpoint;
import io.bastion.net.tls.ChannelSecurity;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A replica's web port: HTTP/1.1 for browsers and a WebSocket for web clients, over TLS (HTTPS and
 * WSS, with a certificate browsers trust: the cluster CA's, installed, or a publicly trusted chain)
 * unless {@link ChannelSecurity#PLAINTEXT} was asked for.
 *
 * <ul>
 *   <li>{@code GET} {@value #CLUSTER_PATH}: the {@link ClusterDescription} of the cluster;
 *   <li>{@code GET} of any other path: a file of the web root ({@link StaticFiles}), if one was
 *       given, else 404;
 *   <li>{@value #WEBSOCKET_PATH}: a WebSocket carrying the JSON messages of {@link WebMessages}.
 *       Each WebSocket becomes a client connection of the replica's {@link ClientEndpoint}
 *       ({@link ClientEndpoint#adopt}): the same connection limit, bounded outgoing queue, Hello
 *       and Join rate limits, handler and client-id bindings as the TCP client port, so replies
 *       reach a client on whichever connection it last sent a verified request from.
 * </ul>
 *
 * Everything a client can make it hold is bounded: the request line, headers and body of HTTP
 * requests, how long an HTTP connection may take to complete a request before its upgrade
 * ({@link HttpDeadlines}), how long a WebSocket may stay silent, the size of a WebSocket
 * frame ({@link #FRAME_PAYLOAD_BYTES_MAX}, beyond which the connection closes) and of a message
 * ({@link #MESSAGE_BYTES_MAX}, beyond which it is dropped with an error), the connections open at
 * once ({@link NetSettings#clientConnectionsMax()} here, and a WebSocket also takes a slot of the
 * client endpoint), the queue of frames to each WebSocket and the files served. The WebSocket
 * accepts connections from pages of any origin: requests are authenticated by their signatures,
 * not by where the page came from.
 *
 * <p>Threads: I/O runs on the event-loop group passed in (the replica's), as does decoding; the
 * client endpoint's handler is called there too. {@link #start} and {@link #close} must not be
 * called on an event-loop thread; other methods are thread-safe.
 */
public final class WebEndpoint implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebEndpoint.class);

    /** Path of the cluster description. */
    public static final String CLUSTER_PATH = "/cluster.json";
    /** Path of the WebSocket (exactly; no query string). */
    public static final String WEBSOCKET_PATH = "/ws";
    /** Longest HTTP request line accepted; longer ones get 400. */
    public static final int REQUEST_LINE_BYTES_MAX = 4_096;
    /** Largest HTTP header block accepted; larger ones get 400. */
    public static final int HEADER_BYTES_MAX = 8_192;
    /** Largest HTTP request body accepted (GETs have none); larger ones get 413. */
    public static final int BODY_BYTES_MAX = 8_192;
    /**
     * An HTTP connection that completes no request for this long is closed (its first request has
     * {@link NetSettings#clientMessageTimeoutMillis()}); an open WebSocket has the client
     * endpoint's limits instead ({@link NetSettings#clientIdleTimeoutMillis()}).
     */
    public static final long IDLE_TIMEOUT_MILLIS = 30_000;
    /** Longest a WebSocket upgrade may take once requested. */
    public static final long WEBSOCKET_HANDSHAKE_TIMEOUT_MILLIS = 10_000;
    /**
     * Largest text message (one frame, or fragments reassembled) handled; a longer one is dropped
     * with an error and the connection stays open.
     */
    public static final int MESSAGE_BYTES_MAX = 2 << 20;
    /** Largest single WebSocket frame read at all; a longer one closes the connection (1009). */
    public static final int FRAME_PAYLOAD_BYTES_MAX = 2 * MESSAGE_BYTES_MAX;

    static final String IDLE_HANDLER = "idle";
    static final String HTTP_HANDLER = "http-files";
    private static final String HTTP_CODEC = "http-codec";
    private static final String HTTP_AGGREGATOR = "http-aggregator";
    private static final String WEBSOCKET = "websocket";
    private static final String WEBSOCKET_AGGREGATOR = "websocket-aggregator";
    private static final String WEBSOCKET_SESSION = "websocket-session";

    private enum State { NEW, STARTED, CLOSED }

    private final InetSocketAddress bindAddress;
    private final NetSettings settings;
    private final EventLoopGroup group;
    private final ChannelSecurity security;
    private final ClientEndpoint clients;
    private final WebHttpHandler http;
    private final WebMessages messages;
    private final WebSocketServerProtocolConfig websocket;
    private final WebCounters counters = new WebCounters();
    private final TransportCounters transportCounters = new TransportCounters();
    private final ChannelTracker channels = new ChannelTracker();
    private final ConnectionLimit limit;
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private volatile Channel listener;

    /** A plaintext endpoint (tests of HTTP and WebSocket handling below TLS). */
    public WebEndpoint(InetSocketAddress bindAddress, ClusterConfig config, Path webRoot, NetSettings settings,
                       EventLoopGroup group, ClientEndpoint clients) {
        this(bindAddress, config, webRoot, settings, ChannelSecurity.PLAINTEXT, group, clients);
    }

    /**
     * An endpoint secured by {@code security} on {@code group} (which the caller shuts down after
     * closing it) whose WebSockets become connections of {@code clients}.
     *
     * @param webRoot the directory whose files are served, or {@code null} for none; it must exist
     */
    public WebEndpoint(InetSocketAddress bindAddress, ClusterConfig config, Path webRoot, NetSettings settings,
                       ChannelSecurity security, EventLoopGroup group, ClientEndpoint clients) {
        this.bindAddress = bindAddress;
        this.settings = settings;
        this.security = security;
        this.group = group;
        this.clients = clients;
        this.http = new WebHttpHandler(ClusterDescription.json(config, security.isTls()),
                webRoot == null ? null : new StaticFiles(webRoot));
        this.messages = new WebMessages(settings.frameBytesMax());
        this.limit = new ConnectionLimit(settings.clientConnectionsMax());
        this.websocket = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(WEBSOCKET_PATH)
                .checkStartsWith(false)
                .handshakeTimeoutMillis(WEBSOCKET_HANDSHAKE_TIMEOUT_MILLIS)
                .maxFramePayloadLength(FRAME_PAYLOAD_BYTES_MAX)
                .allowExtensions(false)
                .dropPongFrames(true)
                .build();
    }

    /** Starts listening. Throws {@link java.io.UncheckedIOException} (after closing) if it cannot bind. */
    public WebEndpoint start() {
        Check.argument(state.compareAndSet(State.NEW, State.STARTED), "a web endpoint starts once");
        try {
            listener = Sockets.bind(Sockets.listener(group, settings, initializer()), bindAddress, "web clients");
            LOG.info("serving the web endpoint on {}://{}:{}/ (WebSocket at {})", security.isTls() ? "https" : "http",
                    localAddress().getHostString(), localAddress().getPort(), WEBSOCKET_PATH);
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
                if (channels.add(channel) && limit.admit(channel, transportCounters)) {
                    channel.pipeline()
                            .addLast(HTTP_CODEC, new HttpServerCodec(new HttpDecoderConfig()
                                    .setMaxInitialLineLength(REQUEST_LINE_BYTES_MAX)
                                    .setMaxHeaderSize(HEADER_BYTES_MAX)))
                            .addLast(HTTP_AGGREGATOR, new HttpObjectAggregator(BODY_BYTES_MAX))
                            .addLast(IDLE_HANDLER, new HttpDeadlines(settings.clientMessageTimeoutMillis(),
                                    IDLE_TIMEOUT_MILLIS, transportCounters))
                            .addLast(WEBSOCKET, new WebSocketServerProtocolHandler(websocket))
                            .addLast(WEBSOCKET_AGGREGATOR, new WebSocketFrameAggregator(MESSAGE_BYTES_MAX))
                            .addLast(HTTP_HANDLER, http)
                            .addLast(WEBSOCKET_SESSION, new WebSocketSession(clients, messages, counters));
                    security.secure(channel, null, settings.clientMessageTimeoutMillis(), transportCounters,
                            "a web client at " + channel.remoteAddress());
                }
            }
        };
    }

    /** Whether the port speaks HTTPS and WSS. */
    public boolean isTls() {
        return security.isTls();
    }

    /** Client messages dropped, by reason, and error answers not sent. */
    public WebCounters counters() {
        return counters;
    }

    /**
     * Connections refused because {@link NetSettings#clientConnectionsMax()} were open, and HTTP
     * connections closed for their time limits (before their upgrade; a WebSocket's count with the
     * client endpoint's).
     */
    public TransportCounters transportCounters() {
        return transportCounters;
    }

    /** HTTP and WebSocket connections open right now. */
    public int connectionCount() {
        return limit.held();
    }

    /** The address the endpoint listens on (null before {@link #start}). */
    public InetSocketAddress localAddress() {
        Channel l = listener;
        return l == null ? null : (InetSocketAddress) l.localAddress();
    }

    /** Closes the listener and every connection; returns once the port can be bound again. Idempotent. */
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
    }
}
