package io.bastion.net.endpoint;

import io.bastion.core.message.Envelope;
import io.bastion.net.channel.OutboundQueue;
import io.bastion.net.channel.Rejections;
import io.netty.channel.Channel;

import java.net.SocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * One client's connection to this replica (TCP to the client port, or a WebSocket on the web port
 * that the endpoint {@linkplain ClientEndpoint#adopt adopted}), as a handle the replica runtime
 * can bind client ids to and answer on. Frames to it wait in a bounded {@link OutboundQueue}
 * while the client does not read. Thread-safe.
 */
public final class ClientConnection {
    /** {@link #partialSinceNanos()} when every byte received so far made complete messages. */
    static final long NO_PARTIAL = Long.MIN_VALUE;

    private final long id;
    private final Channel channel;
    private final OutboundQueue queue;
    private final Set<Long> boundClientIds = ConcurrentHashMap.newKeySet();
    /** Confined to the connection's event loop, like every inbound frame of it. */
    private final TokenBucket hellos;
    private final TokenBucket joins;
    /** Confined to the event loop, for the time limits: when the last message arrived (or the connection opened). */
    private long lastMessageNanos;
    /** Confined to the event loop: when the first byte not yet part of a message arrived. */
    private long partialSinceNanos = NO_PARTIAL;
    private volatile boolean closed;
    /** MAC client mode: the nonce this connection's KEY-NONCE carried ({@code null}: none was sent). */
    private volatile byte[] keyNonce;
    /** MAC client mode: client ids that established a session key on this connection. */
    private final Set<Long> keyedClientIds = ConcurrentHashMap.newKeySet();
    /** Made by the replica on the connection's first request: which of its requests are worth checking. */
    private final AtomicReference<RequestAdmission> admission = new AtomicReference<>();

    ClientConnection(long id, Channel channel, OutboundQueue queue, ClientLimits limits, long nowNanos) {
        this.id = id;
        this.channel = channel;
        this.queue = queue;
        this.lastMessageNanos = nowNanos;
        this.hellos = new TokenBucket(limits.hellosPerConnectionPerSecond(), limits.helloBurstPerConnection(), nowNanos);
        this.joins = new TokenBucket(limits.joinsPerConnectionPerSecond(), limits.joinBurstPerConnection(), nowNanos);
    }

    /** A number unique among this endpoint's connections, for logs and maps. */
    public long id() {
        return id;
    }

    public SocketAddress remoteAddress() {
        return channel.remoteAddress();
    }

    /** False once the connection has closed; a closed connection is unbound from every client id. */
    public boolean isOpen() {
        return !closed;
    }

    /**
     * Queues {@code message} for this connection (e.g. an answer before any client id is bound).
     * Returns false if it was dropped at once.
     */
    public boolean send(Envelope<?> message) {
        return queue.offer(message);
    }

    /** The connection's {@link RequestAdmission}, made by {@code make} the first time it is asked for. */
    public RequestAdmission admission(Supplier<RequestAdmission> make) {
        RequestAdmission current = admission.get();
        if (current == null) {
            admission.compareAndSet(null, make.get());
            current = admission.get();
        }
        return current;
    }

    /**
     * Stops reading from the connection for {@code nanos}: what the client sends meanwhile waits
     * in TCP's buffers, then holds the client back. For a client that sends far more than it may.
     */
    public void pauseReading(long nanos) {
        if (closed || !channel.config().isAutoRead()) {
            return;
        }
        channel.config().setAutoRead(false);
        channel.eventLoop().schedule(() -> channel.config().setAutoRead(true), nanos,
                java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /**
     * MAC client mode: the nonce of this connection's KEY-NONCE, set once when it is sent; a
     * SESSION-KEY on this connection must carry it.
     */
    public void keyNonce(byte[] nonce) {
        if (keyNonce != null) {
            throw new IllegalStateException("a connection has one key nonce");
        }
        keyNonce = nonce.clone();
    }

    /** The nonce of this connection's KEY-NONCE, or {@code null} when none was sent (a plaintext port). */
    public byte[] keyNonce() {
        byte[] nonce = keyNonce;
        return nonce == null ? null : nonce.clone();
    }

    /** What became of a client id's key on this connection ({@link #keyed}). */
    enum Keyed { ADDED, REPEATED, FULL }

    /** Records that {@code clientId} established a key here: once per client id, at most {@code max} ids. */
    Keyed keyed(long clientId, int max) {
        if (keyedClientIds.contains(clientId)) {
            return Keyed.REPEATED;
        }
        if (keyedClientIds.size() >= max) {
            return Keyed.FULL;
        }
        return keyedClientIds.add(clientId) ? Keyed.ADDED : Keyed.REPEATED;
    }

    Set<Long> keyedClientIds() {
        return keyedClientIds;
    }

    /** Closes the connection (for instance after a client misbehaved at the protocol level). */
    public void close() {
        Rejections.closeLocally(channel);
    }

    OutboundQueue queue() {
        return queue;
    }

    Channel channel() {
        return channel;
    }

    Set<Long> boundClientIds() {
        return boundClientIds;
    }

    TokenBucket hellos() {
        return hellos;
    }

    TokenBucket joins() {
        return joins;
    }

    /** When the last complete, valid message arrived, or the connection opened. */
    long lastMessageNanos() {
        return lastMessageNanos;
    }

    /** When the first byte that is not yet part of a message arrived, or {@link #NO_PARTIAL}. */
    long partialSinceNanos() {
        return partialSinceNanos;
    }

    /** Bytes arrived (on the event loop, before they are decoded). */
    void bytesArrived(long nowNanos) {
        if (partialSinceNanos == NO_PARTIAL) {
            partialSinceNanos = nowNanos;
        }
    }

    /** A complete, valid message arrived (on the event loop): the connection is in use. */
    void messageArrived(long nowNanos) {
        lastMessageNanos = nowNanos;
        partialSinceNanos = NO_PARTIAL;
    }

    void markClosed() {
        closed = true;
    }

    @Override
    public String toString() {
        return "ClientConnection[" + id + ", " + channel.remoteAddress() + "]";
    }
}
