package io.bastion.server.runtime;

import io.bastion.core.util.Check;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The executor thread's work, in two lanes.
 *
 * <ul>
 *   <li><b>Ordered</b> work (executions, state comparison and installation) comes from the core
 *       only, is bounded by the core's pipeline and is never dropped. It is taken first, in the
 *       order it was put.</li>
 *   <li><b>Unordered</b> work (read-only answers, resent replies, state served to peers, answers to
 *       ended sessions and repeated Joins) is what remote clients and peers can cause. It is
 *       bounded by {@code tasksMax} tasks and {@code bytesMax} bytes (what the caller says a task
 *       holds); beyond either, {@link #offerUnordered} refuses it and the caller counts the drop
 *       (clients and peers ask again). It is taken only when no ordered work waits.</li>
 * </ul>
 *
 * So executions never wait behind reads, and a read never runs before an execution put before it:
 * puts and takes share one lock and one thread takes, so when unordered work is taken every
 * ordered task put before it has been taken, and run, already. This keeps {@code Output}'s
 * contract that a step's other work runs behind its executes. Thread-safe.
 */
final class ExecutorQueue {
    private record Unordered(Object task, long bytes) {}

    private final int tasksMax;
    private final long bytesMax;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition available = lock.newCondition();
    private final ArrayDeque<Object> ordered = new ArrayDeque<>();
    private final ArrayDeque<Unordered> unordered = new ArrayDeque<>();
    private long unorderedBytes;

    ExecutorQueue(int tasksMax, long bytesMax) {
        Check.argument(tasksMax > 0 && bytesMax > 0, "executor queue bounds must be positive");
        this.tasksMax = tasksMax;
        this.bytesMax = bytesMax;
    }

    /** Queues ordered work; never refused. */
    void putOrdered(Object task) {
        lock.lock();
        try {
            ordered.addLast(task);
            available.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues unordered work holding {@code bytes}; false (and nothing queued) when the lane is at
     * its bound of tasks or would exceed its bound of bytes.
     */
    boolean offerUnordered(Object task, long bytes) {
        lock.lock();
        try {
            if (unordered.size() >= tasksMax || unorderedBytes + bytes > bytesMax) {
                return false;
            }
            unordered.addLast(new Unordered(task, bytes));
            unorderedBytes += bytes;
            available.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The next task, ordered work first; {@code null} if none arrives within {@code timeoutMillis}. */
    Object take(long timeoutMillis) throws InterruptedException {
        long left = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        lock.lockInterruptibly();
        try {
            while (ordered.isEmpty() && unordered.isEmpty()) {
                if (left <= 0) {
                    return null;
                }
                left = available.awaitNanos(left);
            }
            if (!ordered.isEmpty()) {
                return ordered.removeFirst();
            }
            Unordered next = unordered.removeFirst();
            unorderedBytes -= next.bytes();
            return next.task();
        } finally {
            lock.unlock();
        }
    }

    /** Tasks waiting in both lanes. */
    int size() {
        lock.lock();
        try {
            return ordered.size() + unordered.size();
        } finally {
            lock.unlock();
        }
    }

    /** Unordered tasks waiting; at most {@code tasksMax}. */
    int unorderedSize() {
        lock.lock();
        try {
            return unordered.size();
        } finally {
            lock.unlock();
        }
    }

    /** Bytes the waiting unordered tasks hold; at most {@code bytesMax}. */
    long unorderedBytes() {
        lock.lock();
        try {
            return unorderedBytes;
        } finally {
            lock.unlock();
        }
    }
}
