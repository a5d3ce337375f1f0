package io.bastion.net;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts of rejected connections and dropped frames, per reason, for metrics and tests. One
 * instance per transport component (replica mesh, client endpoint, connector). Thread-safe and
 * lock-free: counts are incremented from event-loop threads and read from any thread.
 */
public final class TransportCounters {
    private final AtomicLongArray rejections = new AtomicLongArray(Rejection.values().length);
    private final AtomicLongArray drops = new AtomicLongArray(Drop.values().length);

    public void reject(Rejection reason) {
        rejections.incrementAndGet(reason.ordinal());
    }

    public void drop(Drop reason) {
        drops.incrementAndGet(reason.ordinal());
    }

    public long rejected(Rejection reason) {
        return rejections.get(reason.ordinal());
    }

    public long dropped(Drop reason) {
        return drops.get(reason.ordinal());
    }

    /** Connections closed or refused for any reason. */
    public long rejectedTotal() {
        long total = 0;
        for (Rejection r : Rejection.values()) {
            total += rejected(r);
        }
        return total;
    }

    /** A snapshot of every rejection count, in declaration order. */
    public Map<Rejection, Long> rejections() {
        Map<Rejection, Long> snapshot = new EnumMap<>(Rejection.class);
        for (Rejection r : Rejection.values()) {
            snapshot.put(r, rejected(r));
        }
        return Collections.unmodifiableMap(snapshot);
    }

    /** A snapshot of every drop count, in declaration order. */
    public Map<Drop, Long> drops() {
        Map<Drop, Long> snapshot = new EnumMap<>(Drop.class);
        for (Drop d : Drop.values()) {
            snapshot.put(d, dropped(d));
        }
        return Collections.unmodifiableMap(snapshot);
    }

    @Override
    public String toString() {
        return "TransportCounters[rejections=" + rejections() + ", drops=" + drops() + "]";
    }
}
