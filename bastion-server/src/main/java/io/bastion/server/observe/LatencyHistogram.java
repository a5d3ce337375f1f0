package io.bastion.server.observe;

import io.bastion.core.util.Check;

import java.util.concurrent.atomic.LongAdder;

/**
 * Latencies counted into fixed buckets, exposed in seconds as a Prometheus histogram. Bucket
 * {@code i} counts observations up to {@code boundsNanos[i]} (inclusive) and above the previous
 * bound; the last, unbounded bucket is {@code +Inf}. Thread-safe: {@link #observeLatencyNanos} is
 * lock-free and allocation-free. A scrape that runs during observations may see the sum a few
 * observations apart from the count; the buckets and the count always agree.
 */
public final class LatencyHistogram {
    /** Default bucket bounds: 0.5 ms to 10 s in 1-2.5-5 steps. */
    public static final long[] DEFAULT_BOUNDS_NANOS = {
            500_000L, 1_000_000L, 2_500_000L, 5_000_000L, 10_000_000L, 25_000_000L, 50_000_000L,
            100_000_000L, 250_000_000L, 500_000_000L, 1_000_000_000L, 2_500_000_000L, 5_000_000_000L,
            10_000_000_000L};

    private final long[] boundsNanos;
    private final LongAdder[] buckets;
    private final LongAdder sumNanos = new LongAdder();

    LatencyHistogram(long[] boundsNanos) {
        Check.argument(boundsNanos.length > 0, "a histogram needs at least one bucket bound");
        for (int i = 0; i < boundsNanos.length; i++) {
            Check.argument(boundsNanos[i] > 0 && (i == 0 || boundsNanos[i] > boundsNanos[i - 1]),
                    "bucket bounds are positive and increasing");
        }
        this.boundsNanos = boundsNanos.clone();
        this.buckets = new LongAdder[boundsNanos.length + 1];
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    /** Counts one latency; a negative one (a clock step) counts as zero. */
    public void observeLatencyNanos(long nanos) {
        long latency = Math.max(0, nanos);
        int i = 0;
        while (i < boundsNanos.length && latency > boundsNanos[i]) {
            i++;
        }
        buckets[i].increment();
        sumNanos.add(latency);
    }

    /** The bucket bounds in nanoseconds (a copy), without {@code +Inf}. */
    public long[] boundsNanos() {
        return boundsNanos.clone();
    }

    /** Observations per bucket, not cumulative, {@code +Inf} last. */
    public long[] bucketCounts() {
        long[] counts = new long[buckets.length];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = buckets[i].sum();
        }
        return counts;
    }

    /** Sum of all observed latencies. */
    public long sumNanos() {
        return sumNanos.sum();
    }

    /** Number of observations. */
    public long count() {
        long count = 0;
        for (LongAdder bucket : buckets) {
            count += bucket.sum();
        }
        return count;
    }
}
