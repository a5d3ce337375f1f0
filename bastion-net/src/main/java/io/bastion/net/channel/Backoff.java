package io.bastion.net.channel;

import io.bastion.core.util.Check;

import java.util.random.RandomGenerator;

/**
 * Reconnect delays: exponential from {@code minMillis}, doubling to {@code maxMillis}, each drawn
 * uniformly from the upper half of the current step ("equal jitter") so that replicas restarted
 * together do not reconnect in lockstep. Not thread-safe: owned by one event loop.
 */
public final class Backoff {
    private final long minMillis;
    private final long maxMillis;
    private final RandomGenerator random;
    private long stepMillis;

    public Backoff(long minMillis, long maxMillis, RandomGenerator random) {
        Check.argument(minMillis > 0 && maxMillis >= minMillis, "need 0 < minMillis <= maxMillis");
        this.minMillis = minMillis;
        this.maxMillis = maxMillis;
        this.random = random;
        this.stepMillis = minMillis;
    }

    /** The delay before the next attempt; each call doubles the following one, up to the cap. */
    public long nextDelayMillis() {
        long step = stepMillis;
        stepMillis = Math.min(maxMillis, step * 2);
        long half = step / 2;
        return step - half + random.nextLong(half + 1);
    }

    /** Starts again from {@code minMillis}, after a connection that worked. */
    public void reset() {
        stepMillis = minMillis;
    }
}
