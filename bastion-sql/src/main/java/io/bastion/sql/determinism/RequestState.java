package io.bastion.sql.determinism;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * What the deterministic functions of one connection know about the current request: the agreed
 * time and the random stream from its {@link BatchClock}, values computed once per request, and
 * whether the request gave a row the largest rowid. Reset by {@link #start}; not thread-safe.
 */
final class RequestState {
    private final BatchClock clock;
    private final Map<String, Object> perRequest = new HashMap<>();
    private RequestRandom random;
    private String rowidAtMaximum;

    /** Computes a value that stays the same for the rest of the request. */
    @FunctionalInterface
    interface Computation {
        Object compute() throws SQLException;
    }

    RequestState(BatchClock clock) {
        this.clock = clock;
    }

    /** A new request begins: the clock holds its agreed time and seed. */
    void start() {
        perRequest.clear();
        random = null;
        rowidAtMaximum = null;
    }

    long agreedTimeMillis() throws SQLException {
        requireSet();
        return clock.agreedTimeMillis();
    }

    RequestRandom random() throws SQLException {
        requireSet();
        if (random == null) {
            random = new RequestRandom(clock.requestSeed());
        }
        return random;
    }

    Object cached(String key, Computation computation) throws SQLException {
        Object value = perRequest.get(key);
        if (value == null) {
            value = computation.compute();
            perRequest.put(key, value);
        }
        return value;
    }

    void noteRowidAtMaximum(String table) {
        rowidAtMaximum = table;
    }

    /** The table in which the request gave a row rowid 2^63-1, or null. */
    String rowidAtMaximum() {
        return rowidAtMaximum;
    }

    private void requireSet() throws SQLException {
        if (!clock.isSet()) {
            throw new SQLException("no agreed time and seed yet: the engine must call BatchClock.set before each request");
        }
    }
}
