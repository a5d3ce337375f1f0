package io.bastion.net.web;

import io.bastion.core.config.ClusterConfig;
import io.bastion.net.NetSettings;
import io.bastion.net.TransportCounters;
import io.bastion.net.channel.EventLoopLease;
import io.bastion.net.endpoint.ClientEndpoint;
import io.bastion.net.http.HttpServer;
import io.bastion.net.tls.ChannelSecurity;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * A replica's web port: HTTP/1.1 for browsers and a WebSocket for web clients, over TLS (HTTPS and
 * WSS, with a certificate browsers trust: the cluster CA's, installed, or a publicly trusted chain)
 * unless {@link ChannelSecurity#PLAINTEXT} was asked for. An {@link HttpServer} with the pages of
 * {@link WebPages} and the WebSocket as an upgrade.
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
 * requests ({@link HttpServer}), how long an HTTP connection may take to complete a request before
 * its upgrade, how long a WebSocket may stay silent, the size of a WebSocket
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

    private static final String WEBSOCKET = "websocket";
    private static final String WEBSOCKET_AGGREGATOR = "websocket-aggregator";
    private static final String WEBSOCKET_SESSION = "websocket-session";

    private final ClientEndpoint clients;
    private final WebMessages messages;
    private final WebSocketServerProtocolConfig websocket;
    private final WebCounters counters = new WebCounters();
    private final HttpServer server;

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
        this.clients = clients;
        this.messages = new WebMessages(settings.frameBytesMax());
        this.websocket = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(WEBSOCKET_PATH)
                .checkStartsWith(false)
                .handshakeTimeoutMillis(WEBSOCKET_HANDSHAKE_TIMEOUT_MILLIS)
                .maxFramePayloadLength(FRAME_PAYLOAD_BYTES_MAX)
                .allowExtensions(false)
                .dropPongFrames(true)
                .build();
        this.server = new HttpServer("web", bindAddress, security, EventLoopLease.borrowed(group), settings,
                new HttpServer.Limits(settings.clientConnectionsMax(), settings.clientMessageTimeoutMillis(),
                        IDLE_TIMEOUT_MILLIS),
                WebPages.routes(ClusterDescription.json(config, security.isTls()),
                        webRoot == null ? null : new StaticFiles(webRoot)),
                this::addWebSocket);
    }

    /** The WebSocket's handlers: the upgrade and reassembly before the pages, the session after them. */
    private void addWebSocket(ChannelPipeline pipeline) {
        pipeline.addBefore(HttpServer.ROUTES, WEBSOCKET, new WebSocketServerProtocolHandler(websocket))
                .addBefore(HttpServer.ROUTES, WEBSOCKET_AGGREGATOR, new WebSocketFrameAggregator(MESSAGE_BYTES_MAX))
                .addLast(WEBSOCKET_SESSION, new WebSocketSession(clients, messages, counters));
    }

    /** Starts listening. Throws {@link java.io.UncheckedIOException} (after closing) if it cannot bind. */
    public WebEndpoint start() {
        server.start();
        LOG.info("serving the web endpoint on {}/ (WebSocket at {})", server.origin(), WEBSOCKET_PATH);
        return this;
    }

    /** Whether the port speaks HTTPS and WSS. */
    public boolean isTls() {
        return server.isTls();
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
        return server.transportCounters();
    }

    /** HTTP and WebSocket connections open right now. */
    public int connectionCount() {
        return server.connectionCount();
    }

    /** The address the endpoint listens on (null before {@link #start}). */
    public InetSocketAddress localAddress() {
        return server.localAddress();
    }

    /** Closes the listener and every connection; returns once the port can be bound again. Idempotent. */
    @Override
    public void close() {
        server.close();
    }
}
