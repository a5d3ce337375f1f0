package io.bastion.sql.determinism;

import io.bastion.core.util.Check;

import java.sql.SQLException;

/**
 * The agreed time and seed of the request a connection is executing: what SQL's
 * {@code current_timestamp}, {@code datetime('now')}, {@code random()} and friends read instead of
 * the wall clock and SQLite's own PRNG. The engine calls {@link #set} before each request (and
 * before {@code migrate} and each read-only query) with the batch's agreed time and the request's
 * seed ({@code ServiceContext.timeMillis()} and {@code ServiceContext.randomSeed()}).
 *
 * <p>{@link #set} also starts a new request on the connection the clock is installed on (see
 * {@link DeterministicFunctions#install}): {@code random()} restarts its sequence, and
 * {@code last_insert_rowid()} and {@code changes()} read 0 until the request itself changes a row.
 *
 * <p>Serves one connection; not thread-safe, like the connection itself. Call {@link #set} between
 * statements, never while one is running.
 */
public final class BatchClock {
    /** 0000-01-01T00:00:00Z, the earliest time SQLite's date functions represent. */
    public static final long EARLIEST_MILLIS = -62_167_219_200_000L;
    /** 9999-12-31T23:59:59.999Z, the latest time SQLite's date functions represent. */
    public static final long LATEST_MILLIS = 253_402_300_799_999L;

    /** What the connection does when a request starts. */
    @FunctionalInterface
    interface RequestListener {
        void requestStarted(BatchClock clock) throws SQLException;
    }

    private boolean isSet;
    private long agreedTimeMillis;
    private long requestSeed;
    private RequestListener listener;

    /**
     * Starts a request with the batch's agreed time (epoch milliseconds, UTC) and the request's
     * seed. Throws {@link SQLException} if the connection could not be prepared for the request.
     */
    public void set(long agreedTimeMillis, long requestSeed) throws SQLException {
        Check.argument(agreedTimeMillis >= EARLIEST_MILLIS && agreedTimeMillis <= LATEST_MILLIS,
                "agreed time " + agreedTimeMillis + " ms is outside the years 0000 to 9999");
        this.agreedTimeMillis = agreedTimeMillis;
        this.requestSeed = requestSeed;
        this.isSet = true;
        if (listener != null) {
            listener.requestStarted(this);
        }
    }

    /** Whether {@link #set} was called at least once. */
    public boolean isSet() {
        return isSet;
    }

    /** The current request's agreed time, epoch milliseconds. */
    public long agreedTimeMillis() {
        Check.that(isSet, "BatchClock read before set");
        return agreedTimeMillis;
    }

    /** The current request's seed. */
    public long requestSeed() {
        Check.that(isSet, "BatchClock read before set");
        return requestSeed;
    }

    boolean isBound() {
        return listener != null;
    }

    void bind(RequestListener requestListener) {
        Check.argument(listener == null, "a BatchClock serves one connection; it is already installed on one");
        listener = requestListener;
    }

    void unbind() {
        listener = null;
    }
}
