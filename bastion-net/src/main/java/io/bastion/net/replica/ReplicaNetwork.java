package io.bastion.net.replica;

import io.bastion.core.config.ClusterConfig;
import io.bastion.core.config.ReplicaInfo;
import io.bastion.core.crypto.SignatureVerifier;
import io.bastion.core.crypto.Signer;
import io.bastion.core.message.Envelope;
import io.bastion.core.util.Check;
import io.bastion.net.NetSettings;
import io.bastion.net.TransportCounters;
import io.bastion.net.channel.Backoff;
import io.bastion.net.channel.ChannelTracker;
import io.bastion.net.channel.ConnectionLimit;
import io.bastion.net.channel.EventLoopLease;
import io.bastion.net.channel.FrameDecoder;
import io.bastion.net.channel.OutboundQueue;
import io.bastion.net.channel.Pipelines;
import io.bastion.net.channel.Redialer;
import io.bastion.net.channel.Rejections;
import io.bastion.net.channel.Sockets;
import io.bastion.net.handshake.AcceptorHandshake;
import io.bastion.net.handshake.DialerHandshake;
import io.bastion.net.handshake.HandshakeCodec;
import io.bastion.net.handshake.HandshakeHandler;
import io.bastion.net.handshake.HandshakeSetup;
import io.bastion.net.tls.MeshSecurity;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The authenticated TCP mesh between the replicas of one cluster, as seen by replica
 * {@code selfId}. It listens on this replica's {@code replicaPort}; there is exactly one
 * connection per pair of replicas, dialed by the lower id (with reconnect and back-off, forever)
 * and accepted by the higher one (which just waits to be dialed again). With {@link MeshSecurity}
 * TLS (what replicas run), every connection is mutual TLS 1.3 in which each end proves the
 * replica key the cluster file lists for it, so every byte after the handshake is authenticated
 * and encrypted; {@link MeshSecurity#PLAINTEXT} leaves the bytes unprotected. Inside that, every
 * connection first runs the signed handshake ({@link DialerHandshake}, {@link AcceptorHandshake}),
 * which under TLS must name the replica the TLS certificate authenticated; until it has,
 * it may only carry handshake-sized frames, and at most {@link NetSettings#pendingHandshakesMax()}
 * such connections are accepted at once. A newer authenticated connection from a peer replaces
 * the older one. Messages are delivered to the {@link PeerMessageHandler} with the authenticated
 * peer id.
 *
 * <p>Sending never blocks: each peer has an {@link OutboundQueue} bounded by
 * {@link NetSettings#peerQueueFramesMax()} and {@link NetSettings#peerQueueBytesMax()} that holds
 * frames while the peer is disconnected or slow and drops the oldest beyond its bounds.
 *
 * <p>Threads: all I/O, handshakes (one signature and one verification per connection), frame
 * decoding and delivery run on the event-loop group, passed in or owned. {@link #send},
 * {@link #broadcast} and the queries are thread-safe. {@link #close} releases the port, every
 * connection and timer (and the group if owned); it must not be called on an event-loop thread.
 */
public final class ReplicaNetwork implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaNetwork.class);
    /** Threads of the event-loop group a network makes for itself when none is passed in. */
    public static final int OWNED_EVENT_LOOP_THREADS = 2;

    private enum State { NEW, STARTED, CLOSED }

    private final ClusterConfig config;
    private final int selfId;
    private final NetSettings settings;
    private final PeerMessageHandler handler;
    private final TransportCounters counters = new TransportCounters();
    private final HandshakeSetup handshake;
    private final MeshSecurity security;
    private final EventLoopLease loops;
    private final OutboundQueue[] queues;
    private final Redialer[] dialers;
    private final ChannelTracker channels = new ChannelTracker();
    private final ConnectionLimit pendingHandshakes;
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private volatile Channel listener;

    /**
     * A mesh secured by {@code security} running on {@code group}, which the caller shuts down
     * after closing the mesh.
     */
    public ReplicaNetwork(ClusterConfig config, int selfId, Signer signer, SignatureVerifier verifier,
                          NetSettings settings, MeshSecurity security, EventLoopGroup group, PeerMessageHandler handler) {
        this(config, selfId, signer, verifier, settings, security, EventLoopLease.borrowed(group), handler);
    }

    /** A mesh secured by {@code security} with an event-loop group of its own, shut down by {@link #close}. */
    public ReplicaNetwork(ClusterConfig config, int selfId, Signer signer, SignatureVerifier verifier,
                          NetSettings settings, MeshSecurity security, PeerMessageHandler handler) {
        this(config, selfId, signer, verifier, settings, security,
                EventLoopLease.owned(OWNED_EVENT_LOOP_THREADS, "replica-" + selfId), handler);
    }

    /** A plaintext mesh on {@code group} (tests of the framing and handshake below TLS). */
    public ReplicaNetwork(ClusterConfig config, int selfId, Signer signer, SignatureVerifier verifier,
                          NetSettings settings, EventLoopGroup group, PeerMessageHandler handler) {
        this(config, selfId, signer, verifier, settings, MeshSecurity.PLAINTEXT, group, handler);
    }

    /** A plaintext mesh with an event-loop group of its own (tests of the framing and handshake below TLS). */
    public ReplicaNetwork(ClusterConfig config, int selfId, Signer signer, SignatureVerifier verifier,
                          NetSettings settings, PeerMessageHandler handler) {
        this(config, selfId, signer, verifier, settings, MeshSecurity.PLAINTEXT, handler);
    }

    private ReplicaNetwork(ClusterConfig config, int selfId, Signer signer, SignatureVerifier verifier,
                           NetSettings settings, MeshSecurity security, EventLoopLease loops,
                           PeerMessageHandler handler) {
        this.config = config;
        this.security = security;
        this.selfId = selfId;
        this.settings = settings;
        this.handler = handler;
        this.loops = loops;
        this.handshake = new HandshakeSetup(config, selfId, signer, verifier, new SecureRandom(),
                settings.handshakeTimeoutMillis(), counters);
        this.pendingHandshakes = new ConnectionLimit(settings.pendingHandshakesMax());
        this.queues = new OutboundQueue[config.n()];
        this.dialers = new Redialer[config.n()];
        for (int peer = 0; peer < config.n(); peer++) {
            if (peer != selfId) {
                queues[peer] = new OutboundQueue("replica " + peer, settings.peerQueueFramesMax(),
                        settings.peerQueueBytesMax(), settings.frameBytesMax(), counters);
            }
            if (peer > selfId) {
                dialers[peer] = newDialer(peer);
            }
        }
    }

    private Redialer newDialer(int peer) {
        EventLoop loop = loops.group().next();
        InetSocketAddress remote = address(config.replica(peer));
        ChannelInitializer<SocketChannel> initializer = new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel channel) {
                if (channels.add(channel)) {
                    initPipeline(channel, new DialerHandshake(handshake, peer));
                    security.dialer(peer).secure(channel, remote, settings.handshakeTimeoutMillis(), counters,
                            "replica " + peer + " at " + remote);
                }
            }
        };
        Bootstrap bootstrap = Sockets.dialer(loop, settings, initializer);
        Backoff backoff = new Backoff(settings.reconnectDelayMinMillis(), settings.reconnectDelayMaxMillis(),
                new SplittableRandom());
        return new Redialer(bootstrap, loop, remote, backoff,
                settings.reconnectDelayMaxMillis());
    }

    private ChannelInitializer<SocketChannel> acceptInitializer() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel channel) {
                if (channels.add(channel) && pendingHandshakes.admit(channel, counters)) {
                    initPipeline(channel, new AcceptorHandshake(handshake));
                    security.acceptor().secure(channel, null, settings.handshakeTimeoutMillis(), counters,
                            "a replica connection from " + channel.remoteAddress());
                }
            }
        };
    }

    /** Until the peer authenticates, only frames as large as a handshake frame are buffered. */
    private void initPipeline(Channel channel, HandshakeHandler handshakeHandler) {
        Pipelines.addFraming(channel.pipeline(), HandshakeCodec.FRAME_BYTES_MAX, counters)
                .addLast(Pipelines.HANDSHAKE, handshakeHandler)
                .addLast(Pipelines.SESSION, new PeerSession(this));
    }

    private static InetSocketAddress address(ReplicaInfo replica) {
        return new InetSocketAddress(replica.host(), replica.replicaPort());
    }

    /**
     * Listens on this replica's port and starts dialing the higher-id replicas. Throws
     * {@link java.io.UncheckedIOException} (after closing everything) if the port cannot be bound.
     */
    public ReplicaNetwork start() {
        Check.argument(state.compareAndSet(State.NEW, State.STARTED), "a replica network starts once");
        try {
            InetSocketAddress address = address(config.replica(selfId));
            listener = Sockets.bind(Sockets.listener(loops.group(), settings, acceptInitializer()), address,
                    "replica " + selfId + "'s peers");
            for (Redialer dialer : dialers) {
                if (dialer != null) {
                    dialer.start();
                }
            }
            LOG.info("replica {}: listening for replicas on {} ({})", selfId, listener.localAddress(),
                    security.isTls() ? "mutual TLS" : "PLAINTEXT");
            return this;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Queues {@code message} for replica {@code to}. Returns false if it was dropped at once
     * (oversized, or the network is closed); older frames may be dropped to make room.
     */
    public boolean send(int to, Envelope<?> message) {
        Check.argument(to >= 0 && to < config.n() && to != selfId,
                "replica " + selfId + " cannot send to " + to + " in a cluster of " + config.n());
        return queues[to].offer(message);
    }

    /** Queues {@code message} for every other replica. */
    public void broadcast(Envelope<?> message) {
        for (OutboundQueue queue : queues) {
            if (queue != null) {
                queue.offer(message);
            }
        }
    }

    /** Whether an authenticated connection to {@code peer} is up right now. */
    public boolean isConnected(int peer) {
        Check.argument(peer >= 0 && peer < config.n(), "no replica " + peer + " in a cluster of " + config.n());
        return peer != selfId && queues[peer].isAttached();
    }

    public int selfId() {
        return selfId;
    }

    public TransportCounters counters() {
        return counters;
    }

    /** Whether the mesh runs TLS. */
    public boolean isTls() {
        return security.isTls();
    }

    /** The address this replica listens on for its peers (null before {@link #start}). */
    public InetSocketAddress localAddress() {
        Channel l = listener;
        return l == null ? null : (InetSocketAddress) l.localAddress();
    }

    /** Called on {@code channel}'s event loop right after its handshake, before its next frame is read. */
    void onAuthenticated(int peer, Channel channel) {
        pendingHandshakes.release(channel);
        channel.pipeline().get(FrameDecoder.class).frameBytesMax(settings.frameBytesMax());
        Channel previous = queues[peer].attach(channel);
        if (previous != null && previous != channel) {
            LOG.info("replica {}: new connection from replica {} replaces {}", selfId, peer, previous.remoteAddress());
            Rejections.closeLocally(previous);
        }
        if (dialers[peer] != null) {
            dialers[peer].established(channel);
        }
        LOG.info("replica {}: connected to replica {} at {}{}", selfId, peer, channel.remoteAddress(),
                security.isTls() ? " (TLS)" : " (plaintext)");
    }

    void onDisconnected(int peer, Channel channel) {
        if (queues[peer].detach(channel)) {
            LOG.info("replica {}: connection to replica {} at {} ended", selfId, peer, channel.remoteAddress());
        }
    }

    void deliver(int peer, Envelope<?> message) {
        try {
            handler.onMessage(peer, message);
        } catch (RuntimeException e) {
            LOG.error("replica {}: message handler failed on a {} from replica {}", selfId, message.type(), peer, e);
        }
    }

    OutboundQueue queue(int peer) {
        return queues[peer];
    }

    @Override
    public void close() {
        if (state.getAndSet(State.CLOSED) == State.CLOSED) {
            return;
        }
        for (Redialer dialer : dialers) {
            if (dialer != null) {
                dialer.close();
            }
        }
        for (OutboundQueue queue : queues) {
            if (queue != null) {
                queue.close();
            }
        }
        Channel l = listener;
        if (l != null) {
            Sockets.closeListener(l);
        }
        channels.closeAll();
        loops.release();
    }
}
