package io.bastion.net.channel;

import io.bastion.core.message.Envelope;
import io.bastion.core.util.Check;
import io.bastion.net.Drop;
import io.bastion.net.NetSettings;
import io.bastion.net.TransportCounters;
import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;

/**
 * The bounded queue of frames waiting for one remote end (a peer replica, a client connection,
 * a replica seen from a client). Frames wait here while no channel is attached or the attached
 * channel is not writable; beyond {@code framesMax} frames or {@code bytesMax} bytes the oldest
 * are dropped and counted ({@link Drop#QUEUE_FULL}), since the protocol retransmits what matters.
 *
 * <p>Thread-safety: {@link #offer}, {@link #attach}, {@link #detach} and {@link #close} may be
 * called from any thread; they hold a short lock and never block on I/O. Writing happens only in
 * {@link #drain}, on the attached channel's event loop: one drain task per burst of offers writes
 * everything the channel accepts and then flushes once, so concurrent senders are batched.
 */
public final class OutboundQueue {
    private static final Logger LOG = LoggerFactory.getLogger(OutboundQueue.class);
    /** {@link #fullSinceNanos()} of a queue that is not full. */
    public static final long NOT_FULL = Long.MAX_VALUE;

    private final String remote;
    private final int framesMax;
    private final long bytesMax;
    private final int frameBytesMax;
    private final TransportCounters counters;

    private final ArrayDeque<Envelope<?>> frames = new ArrayDeque<>();
    private long bytes;
    private Channel channel;
    private boolean drainScheduled;
    private boolean dropping;
    private boolean closed;
    /** When frames started to be dropped for the bounds, or {@link #NOT_FULL} once it drained to half. */
    private long fullSinceNanos = NOT_FULL;

    /**
     * @param remote        who the frames are for, for log lines
     * @param framesMax     most frames held
     * @param bytesMax      most bytes held, counted as {@link NetSettings#wireBytes}
     * @param frameBytesMax largest frame body accepted; larger ones are dropped as {@link Drop#OVERSIZED}
     */
    public OutboundQueue(String remote, int framesMax, long bytesMax, int frameBytesMax, TransportCounters counters) {
        Check.argument(framesMax > 0, "framesMax must be positive");
        Check.argument(bytesMax >= NetSettings.wireBytes(frameBytesMax), "bytesMax must hold one largest frame");
        this.remote = remote;
        this.framesMax = framesMax;
        this.bytesMax = bytesMax;
        this.frameBytesMax = frameBytesMax;
        this.counters = counters;
    }

    /**
     * Queues {@code message}, dropping the oldest frames beyond the bounds, and wakes the attached
     * channel. Returns false when the message itself was dropped (oversized, or queue closed).
     */
    public boolean offer(Envelope<?> message) {
        if (message.wireSize() > frameBytesMax) {
            counters.drop(Drop.OVERSIZED);
            LOG.warn("dropping a {} of {} bytes for {}: frameBytesMax is {}", message.type(), message.wireSize(),
                    remote, frameBytesMax);
            return false;
        }
        Channel wake;
        synchronized (this) {
            if (closed) {
                counters.drop(Drop.CLOSED);
                return false;
            }
            frames.addLast(message);
            bytes += NetSettings.wireBytes(message.wireSize());
            dropOldestBeyondBounds();
            wake = claimDrainLocked();
        }
        scheduleDrain(wake);
        return true;
    }

    private void dropOldestBeyondBounds() {
        while (frames.size() > framesMax || bytes > bytesMax) {
            Envelope<?> oldest = frames.removeFirst();
            bytes -= NetSettings.wireBytes(oldest.wireSize());
            counters.drop(Drop.QUEUE_FULL);
            if (fullSinceNanos == NOT_FULL) {
                fullSinceNanos = System.nanoTime();
            }
            if (!dropping) {
                dropping = true;
                LOG.warn("outgoing queue for {} is full ({} frames, {} bytes): dropping the oldest frames",
                        remote, frames.size(), bytes);
            }
        }
    }

    /** The channel to wake, if one is attached and no drain is pending yet. Caller holds the lock. */
    private Channel claimDrainLocked() {
        if (channel == null || drainScheduled) {
            return null;
        }
        drainScheduled = true;
        return channel;
    }

    private void scheduleDrain(Channel target) {
        if (target == null) {
            return;
        }
        try {
            target.eventLoop().execute(() -> drain(target));
        } catch (RejectedExecutionException e) {
            LOG.debug("event loop of {} is shutting down; frames stay queued", remote);
        }
    }

    /**
     * Makes {@code newChannel} the one frames go to and starts draining into it. Returns the
     * channel it replaces (or null); closing that one is the caller's decision.
     */
    public Channel attach(Channel newChannel) {
        Channel previous;
        synchronized (this) {
            if (closed) {
                return null;
            }
            previous = channel;
            channel = newChannel;
            drainScheduled = true;
        }
        scheduleDrain(newChannel);
        return previous;
    }

    /**
     * Stops writing to {@code oldChannel} if it is still the attached one (frames stay queued);
     * returns whether it was.
     */
    public synchronized boolean detach(Channel oldChannel) {
        if (channel != oldChannel) {
            return false;
        }
        channel = null;
        drainScheduled = false;
        return true;
    }

    /**
     * Writes queued frames into {@code target} while it is writable, then flushes once. Must run on
     * {@code target}'s event loop; does nothing unless {@code target} is the attached channel.
     * Call it again when the channel becomes writable.
     */
    public void drain(Channel target) {
        Check.that(target.eventLoop().inEventLoop(), "drain runs on the channel's event loop");
        synchronized (this) {
            if (channel != target) {
                return;
            }
            drainScheduled = false;
        }
        boolean wrote = false;
        while (target.isWritable()) {
            Envelope<?> next = pollFor(target);
            if (next == null) {
                break;
            }
            target.write(next, target.voidPromise());
            wrote = true;
        }
        if (wrote) {
            target.flush();
        }
    }

    private synchronized Envelope<?> pollFor(Channel target) {
        if (channel != target) {
            return null;
        }
        if (frames.isEmpty()) {
            dropping = false;
            return null;
        }
        Envelope<?> next = frames.removeFirst();
        bytes -= NetSettings.wireBytes(next.wireSize());
        if (frames.size() <= framesMax / 2 && bytes <= bytesMax / 2) {
            fullSinceNanos = NOT_FULL; // the other end reads again
        }
        return next;
    }

    /** Discards every queued frame and refuses new ones; the attached channel is left to its owner. */
    public synchronized void close() {
        closed = true;
        frames.clear();
        bytes = 0;
        channel = null;
    }

    /**
     * Since when ({@link System#nanoTime()}) this queue has been full: frames were dropped for its
     * bounds and it has not drained to half of them since. {@link #NOT_FULL} when it is not full.
     */
    public synchronized long fullSinceNanos() {
        return fullSinceNanos;
    }

    public synchronized boolean isAttached() {
        return channel != null;
    }

    public synchronized int size() {
        return frames.size();
    }

    public synchronized long bytes() {
        return bytes;
    }
}
