package io.bastion.net.http;

import io.bastion.net.Rejection;
import io.bastion.net.TransportCounters;
import io.bastion.net.channel.Rejections;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The time limits of an HTTP connection of an {@link HttpServer}: its first complete request must
 * arrive within {@code firstRequestMillis} of connecting, and every later one within
 * {@code idleMillis} of the one before. Limits on whole requests, not on bytes, so a client that
 * trickles a request a byte at a time holds its slot no longer than one that sends nothing. Sits
 * after the HTTP aggregator; a connection upgraded to another protocol removes it (the web port's
 * WebSockets have the client endpoint's limits instead). One instance per connection, confined to
 * its event loop.
 */
final class HttpDeadlines extends ChannelInboundHandlerAdapter {
    /** Checks per shorter time limit: a connection closes at most 1/this of it late. */
    static final int CHECKS_PER_TIMEOUT = 4;

    private final long firstRequestNanos;
    private final long idleNanos;
    private final TransportCounters counters;
    private long openedNanos;
    private long lastRequestNanos;
    private boolean requested;
    private ScheduledFuture<?> checks;

    HttpDeadlines(long firstRequestMillis, long idleMillis, TransportCounters counters) {
        this.firstRequestNanos = TimeUnit.MILLISECONDS.toNanos(Math.min(firstRequestMillis, idleMillis));
        this.idleNanos = TimeUnit.MILLISECONDS.toNanos(idleMillis);
        this.counters = counters;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        openedNanos = System.nanoTime();
        long period = Math.max(1, TimeUnit.NANOSECONDS.toMillis(firstRequestNanos) / CHECKS_PER_TIMEOUT);
        try {
            checks = ctx.executor().scheduleAtFixedRate(() -> check(ctx), period, period, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            ctx.close(); // the loop is shutting down
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (checks != null) {
            checks.cancel(false);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        handlerRemoved(ctx);
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FullHttpRequest) {
            requested = true;
            lastRequestNanos = System.nanoTime();
        }
        ctx.fireChannelRead(msg);
    }

    private void check(ChannelHandlerContext ctx) {
        long now = System.nanoTime();
        if (!requested && now - openedNanos >= firstRequestNanos) {
            Rejections.expire(ctx.channel(), counters, Rejection.MESSAGE_TIMEOUT, "no complete HTTP request within "
                    + TimeUnit.NANOSECONDS.toMillis(firstRequestNanos) + " ms of connecting");
        } else if (requested && now - lastRequestNanos >= idleNanos) {
            Rejections.expire(ctx.channel(), counters, Rejection.IDLE_TIMEOUT, "no HTTP request for "
                    + TimeUnit.NANOSECONDS.toMillis(idleNanos) + " ms");
        }
    }
}
