package io.bastion.server.runtime;

import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The threads that check signatures, taking replicas' messages before clients' work (requests,
 * Hellos): a client flooding requests then delays the agreement — PREPAREs, COMMITs, view changes
 * — by at most the check in progress, not by the whole backlog it built. First come, first served
 * within each class. The backlog itself is bounded by the caller.
 */
final class VerifierPool {
    /** Whose work a task is: replicas' first. */
    enum Priority { REPLICA, CLIENT }

    private record Task(Priority priority, long order, Runnable work) implements Runnable, Comparable<Task> {
        @Override
        public void run() {
            work.run();
        }

        @Override
        public int compareTo(Task other) {
            int byPriority = priority.compareTo(other.priority);
            return byPriority != 0 ? byPriority : Long.compare(order, other.order);
        }
    }

    private final ThreadPoolExecutor threads;
    private final AtomicLong order = new AtomicLong();

    VerifierPool(int threadCount, ThreadFactory factory) {
        this.threads = new ThreadPoolExecutor(threadCount, threadCount, 0, TimeUnit.MILLISECONDS,
                new PriorityBlockingQueue<>(), factory);
    }

    void execute(Priority priority, Runnable work) {
        threads.execute(new Task(priority, order.getAndIncrement(), work));
    }

    void shutdownNow() {
        threads.shutdownNow();
    }

    boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return threads.awaitTermination(timeout, unit);
    }
}
