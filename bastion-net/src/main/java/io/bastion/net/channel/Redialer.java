package io.bastion.net.channel;

import io.bastion.core.util.Check;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Keeps one outgoing connection to {@code remote} alive until closed: dials, and whenever the
 * connection fails or ends, dials again after a {@link Backoff} delay. The delay starts over only
 * after a connection has been {@link #established} and stayed up for {@code stableMillis}, so a
 * remote that accepts and immediately drops connections is not hammered. A connection that TCP
 * made to its own socket is closed at once.
 *
 * <p>Thread-safety: all state is confined to {@code loop}, on which every connection it makes is
 * registered; {@link #start}, {@link #established} and {@link #close} may be called from any
 * thread and hand over to the loop. {@link #close} must not be called on an event-loop thread.
 */
public final class Redialer {
    private static final Logger LOG = LoggerFactory.getLogger(Redialer.class);
    /** Longest wait in {@link #close} for the loop to cancel and close. */
    public static final long CLOSE_TIMEOUT_MILLIS = 5_000;
    private static final long NOT_ESTABLISHED = -1;

    private final Bootstrap bootstrap;
    private final EventLoop loop;
    private final InetSocketAddress remote;
    private final Backoff backoff;
    private final long stableNanos;

    private volatile boolean closed;
    private Channel current;
    private long establishedAtNanos = NOT_ESTABLISHED;
    private ScheduledFuture<?> pendingDial;

    /** {@code bootstrap} must use {@code loop} as its group and carry the connection's handler. */
    public Redialer(Bootstrap bootstrap, EventLoop loop, InetSocketAddress remote, Backoff backoff, long stableMillis) {
        Check.argument(bootstrap.config().group() == loop, "the bootstrap must register connections on the loop");
        this.bootstrap = bootstrap;
        this.loop = loop;
        this.remote = remote;
        this.backoff = backoff;
        this.stableNanos = TimeUnit.MILLISECONDS.toNanos(stableMillis);
    }

    public void start() {
        loop.execute(this::dial);
    }

    private void dial() {
        pendingDial = null;
        if (closed) {
            return;
        }
        ChannelFuture connect = bootstrap.connect(remote);
        Channel channel = connect.channel();
        current = channel;
        establishedAtNanos = NOT_ESTABLISHED;
        channel.closeFuture().addListener(f -> onClosed(channel));
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                LOG.debug("cannot connect to {}: {}", remote, f.cause().toString());
                channel.close();
            } else if (isConnectedToItself(channel)) {
                LOG.debug("connection to {} reached its own socket (nothing listens there); closing it", remote);
                Rejections.closeLocally(channel);
            }
        });
    }

    /**
     * TCP connects a socket to itself when it dials a local port nobody listens on and is given
     * that same port as its source port. Such a connection would echo our own frames back and
     * hold the port its real owner wants to listen on.
     */
    private static boolean isConnectedToItself(Channel channel) {
        return channel.localAddress() != null && channel.localAddress().equals(channel.remoteAddress());
    }

    /** Marks {@code channel} as a working connection (connected, and authenticated if it has to be). */
    public void established(Channel channel) {
        onLoop(() -> {
            if (channel == current) {
                establishedAtNanos = System.nanoTime();
            }
        });
    }

    private void onClosed(Channel channel) {
        if (channel != current) {
            return;
        }
        current = null;
        if (establishedAtNanos != NOT_ESTABLISHED && System.nanoTime() - establishedAtNanos >= stableNanos) {
            backoff.reset();
        }
        if (closed) {
            return;
        }
        long delay = backoff.nextDelayMillis();
        LOG.debug("reconnecting to {} in {} ms", remote, delay);
        pendingDial = loop.schedule(this::dial, delay, TimeUnit.MILLISECONDS);
    }

    /** Stops dialing and closes the current connection; waits (bounded) until the loop has done so. */
    public void close() {
        closed = true;
        Future<?> done = onLoop(() -> {
            if (pendingDial != null) {
                pendingDial.cancel(false);
            }
            if (current != null) {
                Rejections.closeLocally(current);
            }
        });
        if (done != null) {
            done.awaitUninterruptibly(CLOSE_TIMEOUT_MILLIS);
        }
    }

    private Future<?> onLoop(Runnable task) {
        try {
            return loop.submit(task);
        } catch (RejectedExecutionException e) {
            return null; // the loop is shutting down, which ends its connections and timers too
        }
    }
}
