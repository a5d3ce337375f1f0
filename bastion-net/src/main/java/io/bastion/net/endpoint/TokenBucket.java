package io.bastion.net.endpoint;

import io.bastion.core.util.Check;

/**
 * A token bucket: {@code ratePerSecond} tokens flow in per second up to {@code burst}; each
 * admitted event takes one. Starts full. Time comes in as a monotonic nanosecond reading (e.g.
 * {@link System#nanoTime()}), so the bucket itself reads no clock and tests drive it exactly.
 *
 * <p>Kept as integer nanoseconds of credit: one token is worth {@code 1e9 / ratePerSecond} ns, so
 * nothing drifts with floating point. A clock reading that goes backwards adds nothing.
 * Not thread-safe: confine an instance to one thread or guard it.
 */
public final class TokenBucket {
    /** Highest rate a bucket accepts: one token per nanosecond. */
    public static final long RATE_PER_SECOND_MAX = 1_000_000_000L;
    /** Largest burst a bucket accepts (keeps the credit arithmetic far from overflow). */
    public static final long BURST_MAX = 1_000_000_000L;

    private final long nanosPerToken;
    private final long creditMaxNanos;
    private long creditNanos;
    private long lastNanos;

    public TokenBucket(long ratePerSecond, long burst, long nowNanos) {
        Check.argument(ratePerSecond > 0 && ratePerSecond <= RATE_PER_SECOND_MAX,
                "a token bucket's rate must be 1.." + RATE_PER_SECOND_MAX + " per second, got " + ratePerSecond);
        Check.argument(burst > 0 && burst <= BURST_MAX, "a token bucket's burst must be 1.." + BURST_MAX + ", got " + burst);
        this.nanosPerToken = 1_000_000_000L / ratePerSecond;
        this.creditMaxNanos = nanosPerToken * burst;
        this.creditNanos = creditMaxNanos;
        this.lastNanos = nowNanos;
    }

    /** Takes one token if there is one at {@code nowNanos}; false means the event is over the limit. */
    public boolean tryTake(long nowNanos) {
        refill(nowNanos);
        if (creditNanos < nanosPerToken) {
            return false;
        }
        creditNanos -= nanosPerToken;
        return true;
    }

    /** Whole tokens available at {@code nowNanos}. */
    public long available(long nowNanos) {
        refill(nowNanos);
        return creditNanos / nanosPerToken;
    }

    private void refill(long nowNanos) {
        long elapsed = nowNanos - lastNanos;
        if (elapsed > 0) {
            // elapsed may be huge after a long idle: clamp before adding, never overflow
            creditNanos = elapsed >= creditMaxNanos ? creditMaxNanos : Math.min(creditMaxNanos, creditNanos + elapsed);
            lastNanos = nowNanos;
        }
    }
}
