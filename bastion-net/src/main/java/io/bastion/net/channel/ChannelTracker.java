package io.bastion.net.channel;

import io.netty.channel.Channel;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open connections of one transport component, so that closing the component closes every
 * connection it made or accepted and waits until they are gone. Thread-safe; once closed it
 * closes any connection that is added late instead of tracking it.
 */
public final class ChannelTracker {
    /** Longest wait in {@link #closeAll} for connections to finish closing. */
    public static final long CLOSE_TIMEOUT_MILLIS = 5_000;

    private final Set<Channel> open = ConcurrentHashMap.newKeySet();
    private boolean closed;

    /** Tracks {@code channel} until it closes; returns false (and closes it) if the tracker is closed. */
    public boolean add(Channel channel) {
        synchronized (this) {
            if (closed) {
                Rejections.closeLocally(channel);
                return false;
            }
            open.add(channel);
        }
        channel.closeFuture().addListener(f -> open.remove(channel));
        return true;
    }

    /** Closes every tracked connection and waits (bounded) for each to be closed. */
    public void closeAll() {
        List<Channel> snapshot;
        synchronized (this) {
            closed = true;
            snapshot = new ArrayList<>(open);
        }
        for (Channel channel : snapshot) {
            Rejections.closeLocally(channel);
        }
        long deadline = System.nanoTime() + CLOSE_TIMEOUT_MILLIS * 1_000_000;
        for (Channel channel : snapshot) {
            long leftMillis = Math.max(0, (deadline - System.nanoTime()) / 1_000_000);
            channel.closeFuture().awaitUninterruptibly(leftMillis);
        }
    }

    public int size() {
        return open.size();
    }
}
