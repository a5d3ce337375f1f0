package io.bastion.server.observe;

import io.bastion.core.util.Check;

import java.util.concurrent.atomic.LongAdder;

/**
 * A monotonic count owned by the code that increments it, registered with {@link Metrics}.
 * Thread-safe and lock-free; increments do not allocate.
 */
public final class Counter {
    private final LongAdder value = new LongAdder();

    Counter() {}

    public void increment() {
        value.increment();
    }

    /** Adds {@code amount}, which must not be negative (a counter never goes down). */
    public void add(long amount) {
        Check.argument(amount >= 0, "a counter only grows; cannot add " + amount);
        value.add(amount);
    }

    public long value() {
        return value.sum();
    }
}
