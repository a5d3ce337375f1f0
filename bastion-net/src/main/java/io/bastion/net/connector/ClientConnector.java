package io.bastion.net.connector;

import io.bastion.core.message.Envelope;
import io.bastion.core.util.Check;
import io.bastion.net.NetSettings;
import io.bastion.net.TransportCounters;
import io.bastion.net.channel.Backoff;
import io.bastion.net.channel.ChannelTracker;
import io.bastion.net.channel.EventLoopLease;
import io.bastion.net.channel.OutboundQueue;
import io.bastion.net.channel.Pipelines;
import io.bastion.net.channel.Redialer;
import io.bastion.net.channel.Sockets;
import io.bastion.net.tls.ChannelSecurity;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A client process's connection to one replica's client port, secured by a {@link ChannelSecurity}
 * (TLS that checks the replica's certificate against the cluster file), kept up until closed: it redials
 * with exponential back-off whenever the connection fails. Frames wait in a bounded queue
 * ({@link NetSettings#clientQueueFramesMax()}, {@link NetSettings#clientQueueBytesMax()}, oldest
 * dropped) while disconnected; the client library retransmits what matters. What the replica
 * sends is delivered to the {@link ReplicaMessageHandler}.
 *
 * <p>Threads: the connection lives on one event loop of the group, passed in or owned.
 * {@link #send} and the queries are thread-safe and non-blocking; {@link #close} must not be
 * called on an event-loop thread.
 */
public final class ClientConnector implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClientConnector.class);
    /** Threads of the event-loop group a connector makes for itself when none is passed in. */
    public static final int OWNED_EVENT_LOOP_THREADS = 1;

    private enum State { NEW, STARTED, CLOSED }

    private final int replicaId;
    private final InetSocketAddress address;
    private final NetSettings settings;
    private final ChannelSecurity security;
    private final ReplicaMessageHandler handler;
    private final TransportCounters counters;
    private final EventLoopLease loops;
    private final OutboundQueue queue;
    private final ChannelTracker channels = new ChannelTracker();
    private final Redialer dialer;
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);

    /** A connector secured by {@code security} on {@code group}, which the caller shuts down after closing it. */
    public ClientConnector(int replicaId, InetSocketAddress address, NetSettings settings, ChannelSecurity security,
                           EventLoopGroup group, ReplicaMessageHandler handler) {
        this(replicaId, address, settings, security, EventLoopLease.borrowed(group), new TransportCounters(), handler);
    }

    /** A plaintext connector on {@code group} (tests of the framing below TLS). */
    public ClientConnector(int replicaId, InetSocketAddress address, NetSettings settings, EventLoopGroup group,
                           ReplicaMessageHandler handler) {
        this(replicaId, address, settings, ChannelSecurity.PLAINTEXT, group, handler);
    }

    /** A plaintext connector with an event-loop group of its own (tests of the framing below TLS). */
    public ClientConnector(int replicaId, InetSocketAddress address, NetSettings settings,
                           ReplicaMessageHandler handler) {
        this(replicaId, address, settings, ChannelSecurity.PLAINTEXT,
                EventLoopLease.owned(OWNED_EVENT_LOOP_THREADS, "client"), new TransportCounters(), handler);
    }

    ClientConnector(int replicaId, InetSocketAddress address, NetSettings settings, ChannelSecurity security,
                    EventLoopLease loops, TransportCounters counters, ReplicaMessageHandler handler) {
        this.replicaId = replicaId;
        this.address = address;
        this.settings = settings;
        this.security = security;
        this.handler = handler;
        this.counters = counters;
        this.loops = loops;
        this.queue = new OutboundQueue("replica " + replicaId + " at " + address, settings.clientQueueFramesMax(),
                settings.clientQueueBytesMax(), settings.frameBytesMax(), counters);
        this.dialer = newDialer();
    }

    private Redialer newDialer() {
        EventLoop loop = loops.group().next();
        ChannelInitializer<SocketChannel> initializer = new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel channel) {
                if (channels.add(channel)) {
                    Pipelines.addMessageCodec(channel.pipeline(), settings.frameBytesMax(), counters)
                            .addLast(Pipelines.SESSION, new ConnectorSession(ClientConnector.this, security.isTls()));
                    security.secure(channel, address, settings.handshakeTimeoutMillis(), counters,
                            "replica " + replicaId + " at " + address);
                }
            }
        };
        Backoff backoff = new Backoff(settings.reconnectDelayMinMillis(), settings.reconnectDelayMaxMillis(),
                new SplittableRandom());
        return new Redialer(Sockets.dialer(loop, settings, initializer), loop, address, backoff,
                settings.reconnectDelayMaxMillis());
    }

    /** Starts connecting; returns at once. */
    public ClientConnector start() {
        Check.argument(state.compareAndSet(State.NEW, State.STARTED), "a connector starts once");
        dialer.start();
        return this;
    }

    /** Queues {@code message} for the replica. Returns false if it was dropped at once. */
    public boolean send(Envelope<?> message) {
        return queue.offer(message);
    }

    public boolean isConnected() {
        return queue.isAttached();
    }

    public int replicaId() {
        return replicaId;
    }

    public TransportCounters counters() {
        return counters;
    }

    void onConnected(Channel channel) {
        queue.attach(channel);
        dialer.established(channel);
        LOG.debug("connected to replica {} at {} ({})", replicaId, address, security);
    }

    void onDisconnected(Channel channel) {
        queue.detach(channel);
    }

    void deliver(Envelope<?> message) {
        try {
            handler.onMessage(replicaId, message);
        } catch (RuntimeException e) {
            LOG.error("message handler failed on a {} from replica {}", message.type(), replicaId, e);
        }
    }

    OutboundQueue queue() {
        return queue;
    }

    @Override
    public void close() {
        if (state.getAndSet(State.CLOSED) == State.CLOSED) {
            return;
        }
        dialer.close();
        queue.close();
        channels.closeAll();
        loops.release();
    }
}
