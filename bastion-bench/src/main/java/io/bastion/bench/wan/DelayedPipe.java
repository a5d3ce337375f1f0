package io.bastion.bench.wan;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One direction of a relayed connection ({@link DelayRelay}): a handler on the source channel that
 * holds every chunk it reads for a fixed delay and then writes it to the destination channel, in
 * the order read. It reads from the source only while it holds fewer than {@code heldBytesMax}
 * bytes and the destination takes what is written to it. When the source closes, what it holds
 * is still delivered, then the destination is closed. Runs on the connection's event loop only;
 * not sharable.
 */
final class DelayedPipe extends ChannelInboundHandlerAdapter {
    private record Held(ByteBuf bytes, long dueNanos) {}

    private final long delayNanos;
    private final int heldBytesMax;
    private final AtomicLong heldBytesPeak;
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    private Channel source;
    private Channel destination;
    /** The other direction: it writes to this pipe's source, so it learns when that takes bytes again. */
    private DelayedPipe opposite;
    private long heldBytes;
    private boolean releaseScheduled;
    private boolean sourceClosed;

    DelayedPipe(long delayNanos, int heldBytesMax, AtomicLong heldBytesPeak) {
        this.delayNanos = delayNanos;
        this.heldBytesMax = heldBytesMax;
        this.heldBytesPeak = heldBytesPeak;
    }

    /** Starts relaying from {@code source} to {@code destination}; {@code opposite} relays back. */
    void join(Channel source, Channel destination, DelayedPipe opposite) {
        this.source = source;
        this.destination = destination;
        this.opposite = opposite;
        updateReading();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (!(message instanceof ByteBuf bytes) || destination == null) {
            ReferenceCountUtil.release(message);
            return;
        }
        held.add(new Held(bytes, System.nanoTime() + delayNanos));
        heldBytes += bytes.readableBytes();
        heldBytesPeak.accumulateAndGet(heldBytes, Math::max);
        if (delayNanos == 0) {
            release();
        } else {
            scheduleRelease();
            updateReading();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        sourceClosed = true;
        if (held.isEmpty()) {
            closeDestination();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (opposite != null) {
            opposite.updateReading();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // a reset or a failed write: the other side is closed once this one is inactive
    }

    /** Writes everything that is due, then waits for the next chunk's time. */
    private void release() {
        releaseScheduled = false;
        long now = System.nanoTime();
        boolean wrote = false;
        while (!held.isEmpty() && held.peek().dueNanos() - now <= 0) {
            Held next = held.poll();
            heldBytes -= next.bytes().readableBytes();
            if (destination.isActive()) {
                destination.write(next.bytes(), destination.voidPromise());
                wrote = true;
            } else {
                next.bytes().release();
            }
        }
        if (wrote) {
            destination.flush();
        }
        if (!held.isEmpty()) {
            scheduleRelease();
        } else if (sourceClosed) {
            closeDestination();
        }
        updateReading();
    }

    private void scheduleRelease() {
        if (!releaseScheduled && !held.isEmpty()) {
            releaseScheduled = true;
            long wait = Math.max(0, held.peek().dueNanos() - System.nanoTime());
            source.eventLoop().schedule(this::release, wait, TimeUnit.NANOSECONDS);
        }
    }

    /** Reads from the source only while there is room here and the destination keeps up. */
    private void updateReading() {
        if (source != null && source.isActive()) {
            source.config().setAutoRead(heldBytes < heldBytesMax && destination.isWritable());
        }
    }

    private void closeDestination() {
        if (destination != null && destination.isActive()) {
            destination.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
