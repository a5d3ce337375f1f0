package io.bastion.bench;

import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The most recent signed requests the honest clients of this process sent (first sends and
 * retransmissions alike), for a {@link FaultyClient} to replay. Bounded to {@link #CAPACITY}
 * entries, the newest replacing the oldest. Thread-safe and lock-free: recording costs an
 * increment and a store, so it can sit on every honest send without changing what is measured.
 */
public final class SentRequests {
    /** Requests kept (about 1 KiB each for the usual 1,024-byte requests). */
    public static final int CAPACITY = 4_096;

    private final AtomicReferenceArray<Envelope<Request>> ring = new AtomicReferenceArray<>(CAPACITY);
    private final AtomicLong recorded = new AtomicLong();

    public void record(Envelope<Request> request) {
        ring.set((int) (recorded.getAndIncrement() % CAPACITY), request);
    }

    /** Requests recorded so far (not all of them are still kept). */
    public long recorded() {
        return recorded.get();
    }

    /**
     * One of the kept requests, chosen with {@code random}; {@code null} if none was recorded yet
     * (or the chosen slot was claimed by a recording that has not stored it yet).
     */
    public Envelope<Request> pick(SplittableRandom random) {
        long count = recorded.get();
        return count == 0 ? null : ring.get(random.nextInt((int) Math.min(count, CAPACITY)));
    }
}
