package io.bastion.net;

import io.bastion.core.util.Check;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.concurrent.TimeUnit;

/**
 * Creates and shuts down the Netty event-loop groups Bastion's transport runs on (NIO, so no
 * native dependency). A replica process makes one group and passes it to its replica mesh,
 * client endpoint and web server; components constructed without a group make their own.
 * Stateless and thread-safe.
 */
public final class EventLoops {
    /** Longest wait for a group's threads to finish when it shuts down. */
    public static final long SHUTDOWN_TIMEOUT_MILLIS = 5_000;
    /** Prefix of every event-loop thread name, so tests and thread dumps can find them. */
    public static final String THREAD_NAME_PREFIX = "bastion-";

    private EventLoops() {}

    /**
     * A new NIO event-loop group of {@code threads} daemon threads named
     * {@code bastion-<name>-<pool>-<n>}.
     */
    public static EventLoopGroup newGroup(int threads, String name) {
        Check.argument(threads > 0, "an event-loop group needs at least one thread, got " + threads);
        DefaultThreadFactory threadFactory = new DefaultThreadFactory(THREAD_NAME_PREFIX + name, true);
        return new MultiThreadIoEventLoopGroup(threads, threadFactory, NioIoHandler.newFactory());
    }

    /** Shuts {@code group} down at once and waits (bounded) until its threads have ended. */
    public static void shutdown(EventLoopGroup group) {
        group.shutdownGracefully(0, SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(2 * SHUTDOWN_TIMEOUT_MILLIS);
    }
}
