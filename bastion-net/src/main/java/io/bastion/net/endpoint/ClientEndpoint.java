package io.bastion.net.endpoint;

import io.bastion.core.message.Hello;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.core.util.Check;
import io.bastion.net.Drop;
import io.bastion.net.NetSettings;
import io.bastion.net.TransportCounters;
import io.bastion.net.channel.ChannelTracker;
import io.bastion.net.channel.ConnectionLimit;
import io.bastion.net.channel.EventLoopLease;
import io.bastion.net.channel.OutboundQueue;
import io.bastion.net.channel.Pipelines;
import io.bastion.net.channel.Sockets;
import io.bastion.net.tls.ChannelSecurity;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A replica's listener for clients: TLS ({@link ChannelSecurity}: the replica presents its replica
 * certificate, which clients check against the cluster file), then the same length framing as the
 * mesh, no handshake of Bastion's own (every request carries its client's signature). Inbound messages go to the {@link ClientMessageHandler}
 * with their {@link ClientConnection}. Replies go out with {@link #sendToClient}, routed to the
 * connection most recently {@linkplain #bind bound} to that client id; a closed connection is
 * unbound. At most {@link NetSettings#clientConnectionsMax()} connections are open at once (more
 * are refused and counted), and each has a bounded outgoing queue
 * ({@link NetSettings#clientQueueFramesMax()}, {@link NetSettings#clientQueueBytesMax()}) whose
 * oldest frames are dropped when the client does not read. A connection is closed and counted
 * when its bytes make no complete message within {@link NetSettings#clientMessageTimeoutMillis()},
 * when it sends no message for {@link NetSettings#clientIdleTimeoutMillis()}, or when its queue
 * stays full that long ({@link ClientDeadlines}); clients reconnect.
 *
 * <p>Hellos and Join requests cost the replica work before it knows the client (a signature, an
 * ordering), so they pass token buckets first ({@link ClientLimits}: per connection, and for
 * Hellos per source address in a bounded table); what exceeds them is dropped here and counted
 * by {@link #throttled()}.
 *
 * <p>Threads: I/O, decoding and delivery run on the event-loop group, passed in or owned. Every
 * public method is thread-safe and non-blocking except {@link #start} and {@link #close}, which
 * must not be called on an event-loop thread.
 */
public final class ClientEndpoint implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClientEndpoint.class);
    /** Threads of the event-loop group an endpoint makes for itself when none is passed in. */
    public static final int OWNED_EVENT_LOOP_THREADS = 2;

    private enum State { NEW, STARTED, CLOSED }

    private final InetSocketAddress bindAddress;
    private final NetSettings settings;
    private final ClientMessageHandler handler;
    private final ChannelSecurity security;
    private final ClientLimits limits;
    private final AddressBuckets helloAddresses;
    private final AtomicLongArray throttled = new AtomicLongArray(Throttled.values().length);
    private final EventLoopLease loops;
    private final TransportCounters counters = new TransportCounters();
    private final ClientBindings bindings = new ClientBindings();
    private final ChannelTracker channels = new ChannelTracker();
    private final ConnectionLimit limit;
    private final ClientDeadlines deadlines;
    private final AtomicLong connectionIds = new AtomicLong();
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private volatile Channel listener;

    /**
     * An endpoint secured by {@code security} on {@code group} (which the caller shuts down after
     * closing the endpoint), with {@code limits} on Hellos and Joins.
     */
    public ClientEndpoint(InetSocketAddress bindAddress, NetSettings settings, ChannelSecurity security,
                          EventLoopGroup group, ClientLimits limits, ClientMessageHandler handler) {
        this(bindAddress, settings, security, EventLoopLease.borrowed(group), limits, handler);
    }

    /** A plaintext endpoint on {@code group} (tests of the framing and limits below TLS). */
    public ClientEndpoint(InetSocketAddress bindAddress, NetSettings settings, EventLoopGroup group,
                          ClientMessageHandler handler) {
        this(bindAddress, settings, ChannelSecurity.PLAINTEXT, EventLoopLease.borrowed(group), ClientLimits.DEFAULTS,
                handler);
    }

    /** A plaintext endpoint on {@code group} with {@code limits} (tests of the framing and limits below TLS). */
    public ClientEndpoint(InetSocketAddress bindAddress, NetSettings settings, EventLoopGroup group,
                          ClientLimits limits, ClientMessageHandler handler) {
        this(bindAddress, settings, ChannelSecurity.PLAINTEXT, EventLoopLease.borrowed(group), limits, handler);
    }

    /** A plaintext endpoint with an event-loop group of its own (tests of the framing and limits below TLS). */
    public ClientEndpoint(InetSocketAddress bindAddress, NetSettings settings, ClientMessageHandler handler) {
        this(bindAddress, settings, ChannelSecurity.PLAINTEXT,
                EventLoopLease.owned(OWNED_EVENT_LOOP_THREADS, "clients"), ClientLimits.DEFAULTS, handler);
    }

    private ClientEndpoint(InetSocketAddress bindAddress, NetSettings settings, ChannelSecurity security,
                           EventLoopLease loops, ClientLimits limits, ClientMessageHandler handler) {
        this.bindAddress = bindAddress;
        this.security = security;
        this.settings = settings;
        this.handler = handler;
        this.limits = limits;
        this.helloAddresses = new AddressBuckets(limits.hellosPerAddressPerSecond(), limits.helloBurstPerAddress(),
                limits.addressesMax());
        this.loops = loops;
        this.limit = new ConnectionLimit(settings.clientConnectionsMax());
        this.deadlines = new ClientDeadlines(settings, counters);
    }

    /** Starts listening. Throws {@link java.io.UncheckedIOException} (after closing) if it cannot bind. */
    public ClientEndpoint start() {
        Check.argument(state.compareAndSet(State.NEW, State.STARTED), "a client endpoint starts once");
        try {
            listener = Sockets.bind(Sockets.listener(loops.group(), settings, initializer()), bindAddress, "clients");
            LOG.info("listening for clients on {} ({})", listener.localAddress(), security);
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
                if (channels.add(channel) && limit.admit(channel, counters)) {
                    Pipelines.addMessageCodec(channel.pipeline(), settings.frameBytesMax(), counters);
                    security.secure(channel, null, settings.clientMessageTimeoutMillis(), counters,
                            "a client at " + channel.remoteAddress());
                    ClientConnection connection = startSession(channel);
                    try {
                        handler.onOpened(connection);
                    } catch (RuntimeException e) {
                        LOG.error("client message handler failed on a new connection {}", connection, e);
                    }
                }
            }
        };
    }

    /**
     * Takes {@code channel}, accepted by another listener and speaking its own framing (a
     * WebSocket on the replica's web port), as one more client connection of this endpoint: it
     * counts against {@link NetSettings#clientConnectionsMax()}, has the same bounded queue, Hello
     * and Join limits, handler and client-id bindings as a connection to the client port, and is
     * closed with this endpoint. Its pipeline must already turn {@link Envelope} messages written to
     * it into its own frames and pass each message it receives on as a {@link Envelope}; this adds
     * the last handler, which delivers them. Call it on the channel's event loop. Returns the
     * connection, or {@code null} when it was refused (and closed): no slot free, or this
     * endpoint closed.
     */
    public ClientConnection adopt(Channel channel) {
        Check.argument(channel.eventLoop().inEventLoop(), "a channel is adopted on its event loop");
        if (!channels.add(channel) || !limit.admit(channel, counters)) {
            return null;
        }
        ClientConnection connection = startSession(channel);
        // closeFuture fires even when the channel closed before the session handler was added
        channel.closeFuture().addListener(f -> onClosed(connection));
        return connection;
    }

    /** Adds the delivering handler to {@code channel}'s pipeline and starts draining its queue. */
    private ClientConnection startSession(Channel channel) {
        ClientConnection connection = newConnection(channel);
        channel.pipeline().addLast(Pipelines.SESSION, new ClientSession(this, connection));
        connection.queue().attach(channel);
        deadlines.watch(connection);
        return connection;
    }

    private ClientConnection newConnection(Channel channel) {
        long id = connectionIds.incrementAndGet();
        OutboundQueue queue = new OutboundQueue("client connection " + id + " " + channel.remoteAddress(),
                settings.clientQueueFramesMax(), settings.clientQueueBytesMax(), settings.frameBytesMax(), counters);
        return new ClientConnection(id, channel, queue, limits, System.nanoTime());
    }

    /**
     * {@code connection} sent client {@code clientId}'s request {@code requestNumber}, and it
     * verified under the client's key: replies go there from now on if that request is the
     * client's newest (an older, replayed one moves nothing; see {@link ClientBindings}). Binding a
     * closed connection has no effect.
     */
    public void bind(long clientId, long requestNumber, ClientConnection connection) {
        bindings.bind(clientId, requestNumber, connection);
    }

    /**
     * Forgets where {@code clientId}'s replies go (its session ended, or its Join was answered),
     * so the table holds only clients the replica still knows. A later verified request binds again.
     */
    public void unbind(long clientId) {
        bindings.unbind(clientId);
    }

    /**
     * Queues {@code reply} for the connections bound to {@code clientId}. Returns false if no open
     * connection is bound ({@link Drop#CLIENT_UNBOUND}) or the frame was dropped at once.
     */
    public boolean sendToClient(long clientId, Envelope<?> reply) {
        List<ClientConnection> connections = bindings.connectionsOf(clientId);
        if (connections.isEmpty()) {
            counters.drop(Drop.CLIENT_UNBOUND);
            return false;
        }
        boolean queued = false;
        for (ClientConnection connection : connections) {
            queued |= connection.send(reply);
        }
        return queued;
    }

    /** Whether this endpoint's connections are TLS (a SESSION-KEY may only travel over TLS). */
    public boolean isTls() {
        return security.isTls();
    }

    /** Whether some open connection is bound to {@code clientId}. */
    public boolean isBound(long clientId) {
        return !bindings.connectionsOf(clientId).isEmpty();
    }

    /** Client ids bound to a connection right now. */
    public int boundClientCount() {
        return bindings.size();
    }

    /** Source addresses whose Hello rate is tracked right now; at most {@link ClientLimits#addressesMax()}. */
    public int helloAddressesTracked() {
        return helloAddresses.size();
    }

    /** Messages dropped for exceeding {@link ClientLimits}, by reason. */
    public Map<Throttled, Long> throttled() {
        Map<Throttled, Long> snapshot = new EnumMap<>(Throttled.class);
        for (Throttled t : Throttled.values()) {
            snapshot.put(t, throttled.get(t.ordinal()));
        }
        return Collections.unmodifiableMap(snapshot);
    }

    /** Client connections open right now. */
    public int connectionCount() {
        return limit.held();
    }

    public TransportCounters counters() {
        return counters;
    }

    /** The address the endpoint listens on (null before {@link #start}). */
    public InetSocketAddress localAddress() {
        Channel l = listener;
        return l == null ? null : (InetSocketAddress) l.localAddress();
    }

    /** Called on {@code connection}'s event loop, in arrival order. */
    void deliver(ClientConnection connection, Envelope<?> message) {
        Throttled over = overLimit(connection, message, System.nanoTime());
        if (over != null) {
            throttled.incrementAndGet(over.ordinal());
            return;
        }
        try {
            handler.onMessage(connection, message);
        } catch (RuntimeException e) {
            LOG.error("client message handler failed on a {} from {}", message.type(), connection, e);
        }
    }

    /** Which limit {@code message} exceeds, or {@code null} when it may pass. */
    private Throttled overLimit(ClientConnection connection, Envelope<?> message, long nowNanos) {
        return switch (message.message()) {
            case Hello h -> !connection.hellos().tryTake(nowNanos) ? Throttled.HELLO_PER_CONNECTION
                    : !helloAddresses.tryTake(addressOf(connection.remoteAddress()), nowNanos)
                    ? Throttled.HELLO_PER_ADDRESS : null;
            case Request r when r.kind() == Request.Kind.JOIN ->
                    connection.joins().tryTake(nowNanos) ? null : Throttled.JOIN_PER_CONNECTION;
            default -> null;
        };
    }

    /** The IP address of a peer; connections without one (in-process channels) share a single bucket. */
    private static java.net.InetAddress addressOf(SocketAddress remote) {
        return remote instanceof InetSocketAddress inet && inet.getAddress() != null ? inet.getAddress()
                : java.net.InetAddress.getLoopbackAddress();
    }

    void onClosed(ClientConnection connection) {
        bindings.unbindAll(connection);
        connection.queue().close();
        try {
            handler.onClosed(connection);
        } catch (RuntimeException e) {
            LOG.error("client message handler failed on the close of {}", connection, e);
        }
    }

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
