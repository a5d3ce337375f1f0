package io.bastion.net.channel;

import io.bastion.core.util.Check;
import io.bastion.net.Rejection;
import io.bastion.net.TransportCounters;
import io.netty.channel.Channel;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds how many connections of one kind a listener holds at once (all client connections; the
 * replica connections still in their handshake). A connection holds its slot from
 * {@link #admit} until it closes or is {@link #release}d, whichever comes first. Thread-safe.
 */
public final class ConnectionLimit {
    private final int max;
    private final AtomicInteger held = new AtomicInteger();
    private final Set<Channel> holders = ConcurrentHashMap.newKeySet();

    public ConnectionLimit(int max) {
        Check.argument(max > 0, "a connection limit must be positive");
        this.max = max;
    }

    /**
     * Gives {@code channel} a slot, or, when all are taken, rejects it as
     * {@link Rejection#CONNECTION_LIMIT} and returns false.
     */
    public boolean admit(Channel channel, TransportCounters counters) {
        if (held.incrementAndGet() > max) {
            held.decrementAndGet();
            Rejections.reject(channel, counters, Rejection.CONNECTION_LIMIT, "already " + max + " connections open");
            return false;
        }
        holders.add(channel);
        channel.closeFuture().addListener(f -> release(channel));
        return true;
    }

    /** Frees {@code channel}'s slot; does nothing if it holds none (any more). */
    public void release(Channel channel) {
        if (holders.remove(channel)) {
            held.decrementAndGet();
        }
    }

    /** Slots held right now. */
    public int held() {
        return held.get();
    }
}
