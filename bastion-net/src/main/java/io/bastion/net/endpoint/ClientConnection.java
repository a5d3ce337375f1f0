package io.bastion.net.endpoint;

import io.bastion.core.message.Signed;
import io.bastion.net.channel.OutboundQueue;
import io.bastion.net.channel.Rejections;
import io.netty.channel.Channel;

import java.net.SocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One client's connection to this replica (TCP to the client port, or a WebSocket on the web port
 * that the endpoint {@linkplain ClientEndpoint#adopt adopted}), as a handle the replica runtime
 * can bind client ids to and answer on. Frames to it wait in a bounded {@link OutboundQueue}
 * while the client does not read. Thread-safe.
 */
public final class ClientConnection {
    /** {@link #lastMessageNanos()} of a connection that has not completed a message yet. */
    static final long NO_MESSAGE = Long.MIN_VALUE;

    private final long id;
    private final Channel channel;
    private final OutboundQueue queue;
    private final Set<Long> boundClientIds = ConcurrentHashMap.newKeySet();
    /** Confined to the connection's event loop, like every inbound frame of it. */
    private final TokenBucket hellos;
    private final TokenBucket joins;
    private final long openedNanos;
    /** Confined to the event loop: when the last message arrived, for the idle limit. */
    private long lastMessageNanos = NO_MESSAGE;
    private volatile boolean closed;

    ClientConnection(long id, Channel channel, OutboundQueue queue, ClientLimits limits, long nowNanos) {
        this.id = id;
        this.channel = channel;
        this.queue = queue;
        this.openedNanos = nowNanos;
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
    public boolean send(Signed<?> message) {
        return queue.offer(message);
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

    long openedNanos() {
        return openedNanos;
    }

    long lastMessageNanos() {
        return lastMessageNanos;
    }

    /** A complete message arrived (on the event loop): the connection is in use. */
    void messageArrived(long nowNanos) {
        lastMessageNanos = nowNanos;
    }

    void markClosed() {
        closed = true;
    }

    @Override
    public String toString() {
        return "ClientConnection[" + id + ", " + channel.remoteAddress() + "]";
    }
}
