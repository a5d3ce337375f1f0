package io.bastion.net.endpoint;

import io.bastion.net.NetSettings;
import io.bastion.net.Rejection;
import io.bastion.net.TransportCounters;
import io.bastion.net.channel.OutboundQueue;
import io.bastion.net.channel.Rejections;
import io.bastion.net.tls.ChannelSecurity;
import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The time limits of client connections, so that a connection slot is never held for free:
 * a connection whose bytes have not made a complete, valid message within
 * {@link NetSettings#clientMessageTimeoutMillis()} of the first of them (slowloris: trickled bytes,
 * or a length prefix promising a frame that never comes), one that has sent no message for
 * {@link NetSettings#clientIdleTimeoutMillis()}, and one whose outgoing queue has stayed full for
 * that long (a client that does not read) are closed and counted ({@link Rejection#MESSAGE_TIMEOUT},
 * {@link Rejection#IDLE_TIMEOUT}, {@link Rejection#SLOW_READER}). Each connection is checked on its
 * own event loop {@value #CHECKS_PER_TIMEOUT} times per the shorter limit, so it closes at most a
 * quarter of that limit late. Bytes are noticed as they arrive ({@link InboundBytes}, first in
 * the pipeline, or right behind TLS, which bounds its handshake itself) and messages as they are delivered; bytes that arrive in the same read as the end
 * of a message are noticed only with the next read, so such a trickle is held by the idle limit.
 * Thread-safe (stateless apart from its settings).
 */
final class ClientDeadlines {
    /** Checks per shorter time limit: a connection closes at most 1/this of it late. */
    static final int CHECKS_PER_TIMEOUT = 4;
    /** Shortest interval between two checks of one connection. */
    static final long CHECK_PERIOD_MIN_MILLIS = 10;

    private final long idleNanos;
    private final long messageNanos;
    private final long periodMillis;
    private final TransportCounters counters;

    ClientDeadlines(NetSettings settings, TransportCounters counters) {
        this.idleNanos = TimeUnit.MILLISECONDS.toNanos(settings.clientIdleTimeoutMillis());
        this.messageNanos = TimeUnit.MILLISECONDS.toNanos(settings.clientMessageTimeoutMillis());
        this.periodMillis = Math.max(CHECK_PERIOD_MIN_MILLIS, Math.min(settings.clientIdleTimeoutMillis(),
                settings.clientMessageTimeoutMillis()) / CHECKS_PER_TIMEOUT);
        this.counters = counters;
    }

    /**
     * Starts noticing {@code connection}'s bytes and checking its limits on its event loop until it
     * closes. Call it on that loop.
     */
    void watch(ClientConnection connection) {
        Channel channel = connection.channel();
        if (channel.pipeline().get(ChannelSecurity.TLS_FAILURES) != null) {
            // count the bytes TLS decrypted: the handshake is bounded by its own timeout
            channel.pipeline().addAfter(ChannelSecurity.TLS_FAILURES, InboundBytes.NAME, new InboundBytes(connection));
        } else {
            channel.pipeline().addFirst(InboundBytes.NAME, new InboundBytes(connection));
        }
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
        long partialSince = connection.partialSinceNanos();
        if (partialSince != ClientConnection.NO_PARTIAL && nowNanos - partialSince >= messageNanos) {
            return Rejection.MESSAGE_TIMEOUT;
        }
        if (nowNanos - connection.lastMessageNanos() >= idleNanos) {
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
            case MESSAGE_TIMEOUT -> "its bytes made no complete message within "
                    + TimeUnit.NANOSECONDS.toMillis(messageNanos) + " ms";
            case IDLE_TIMEOUT -> "no message for " + TimeUnit.NANOSECONDS.toMillis(idleNanos) + " ms";
            case SLOW_READER -> "its outgoing queue stayed full for " + TimeUnit.NANOSECONDS.toMillis(idleNanos) + " ms";
            default -> reason.toString();
        };
    }
}
