package io.bastion.net.endpoint;

import io.bastion.net.NetSettings;
import io.bastion.net.Rejection;
import io.bastion.net.TransportCounters;
import io.bastion.net.channel.OutboundQueue;
import io.bastion.net.channel.Rejections;
import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The time limits of client connections, so that a connection slot is never held for free:
 * a connection without a complete first message after
 * {@link NetSettings#clientFirstMessageTimeoutMillis()} (slowloris: trickled bytes, or a length
 * prefix promising a frame that never comes), one that has sent no message for
 * {@link NetSettings#clientIdleTimeoutMillis()}, and one whose outgoing queue has stayed full for
 * that long (a client that does not read) are closed and counted ({@link Rejection#FIRST_MESSAGE_TIMEOUT},
 * {@link Rejection#IDLE_TIMEOUT}, {@link Rejection#SLOW_READER}). Each connection is checked on its
 * own event loop {@value #CHECKS_PER_TIMEOUT} times per the shorter limit, so it closes at most a
 * quarter of that limit late. Thread-safe (stateless apart from its settings).
 */
final class ClientDeadlines {
    /** Checks per shorter time limit: a connection closes at most 1/this of it late. */
    static final int CHECKS_PER_TIMEOUT = 4;
    /** Shortest interval between two checks of one connection. */
    static final long CHECK_PERIOD_MIN_MILLIS = 10;

    private final long idleNanos;
    private final long firstMessageNanos;
    private final long periodMillis;
    private final TransportCounters counters;

    ClientDeadlines(NetSettings settings, TransportCounters counters) {
        this.idleNanos = TimeUnit.MILLISECONDS.toNanos(settings.clientIdleTimeoutMillis());
        this.firstMessageNanos = TimeUnit.MILLISECONDS.toNanos(settings.clientFirstMessageTimeoutMillis());
        this.periodMillis = Math.max(CHECK_PERIOD_MIN_MILLIS, Math.min(settings.clientIdleTimeoutMillis(),
                settings.clientFirstMessageTimeoutMillis()) / CHECKS_PER_TIMEOUT);
        this.counters = counters;
    }

    /** Starts checking {@code connection} on its event loop until it closes. Call it on that loop. */
    void watch(ClientConnection connection) {
        Channel channel = connection.channel();
        try {
            ScheduledFuture<?> checks = channel.eventLoop().scheduleAtFixedRate(() -> check(connection),
                    periodMillis, periodMillis, TimeUnit.MILLISECONDS);
            channel.closeFuture().addListener(f -> checks.cancel(false));
        } catch (RejectedExecutionException e) {
            channel.close(); // the loop is shutting down, and every connection with it
        }
    }

    private void check(ClientConnection connection) {
        long now = System.nanoTime();
        Rejection over = overdue(connection, now);
        if (over != null) {
            Rejections.expire(connection.channel(), counters, over, describe(over));
        }
    }

    /** The limit {@code connection} has run out of at {@code nowNanos}, or {@code null}. */
    Rejection overdue(ClientConnection connection, long nowNanos) {
        if (connection.lastMessageNanos() == ClientConnection.NO_MESSAGE) {
            if (nowNanos - connection.openedNanos() >= firstMessageNanos) {
                return Rejection.FIRST_MESSAGE_TIMEOUT;
            }
        } else if (nowNanos - connection.lastMessageNanos() >= idleNanos) {
            return Rejection.IDLE_TIMEOUT;
        }
        long fullSince = connection.queue().fullSinceNanos();
        if (fullSince != OutboundQueue.NOT_FULL && nowNanos - fullSince >= idleNanos) {
            return Rejection.SLOW_READER;
        }
        return null;
    }

    private String describe(Rejection reason) {
        return switch (reason) {
            case FIRST_MESSAGE_TIMEOUT -> "no complete message within " + TimeUnit.NANOSECONDS.toMillis(firstMessageNanos)
                    + " ms of connecting";
            case IDLE_TIMEOUT -> "no message for " + TimeUnit.NANOSECONDS.toMillis(idleNanos) + " ms";
            case SLOW_READER -> "its outgoing queue stayed full for " + TimeUnit.NANOSECONDS.toMillis(idleNanos) + " ms";
            default -> reason.toString();
        };
    }
}
