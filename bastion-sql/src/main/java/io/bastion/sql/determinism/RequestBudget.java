package io.bastion.sql.determinism;

import io.bastion.core.util.Check;
import org.sqlite.ProgressHandler;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * What one request may make SQLite do, measured the same way at every replica, and the stop when
 * it goes over: how many virtual-machine instructions ("steps") its statements execute, and by how
 * many bytes the database file may grow. Without it, one request such as
 * {@code WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT count(*) FROM c}
 * would hold every replica's executor forever, and again after each restart; one that inserts rows
 * from such a query would fill the disk, at each replica at a different row.
 *
 * <p>Steps: SQLite calls the connection's progress handler each time a statement has executed
 * another {@code stepsPerCheck} instructions (counted per prepared statement), at the same
 * instruction at every replica: the count depends only on the statement's program and the data it
 * reads, never on time, caches or load. The handler counts those calls while a service call runs
 * ({@link #count}) and, once the request's steps are used up, makes SQLite stop the statement with
 * {@code SQLITE_INTERRUPT}. Counted are the service's statements, including their parsing and the
 * triggers, foreign-key actions and generated-key lookups they cause, not Bastion's own statements
 * around them. SQLite counts a prepared statement's instructions over all its runs, so a statement
 * shorter than {@code stepsPerCheck} instructions is counted only with the later runs of the same
 * prepared statement (the guarded connection keeps statements for reuse within a batch, the same at
 * every replica: {@link SqlGuard}); other work a service drives from Java is the service's to bound.
 * Parsing the schema is counted too, so the engine loads it before counting starts
 * ({@link SqliteDatabase#runCounted}).
 *
 * <p>Growth: during a service call the database's {@code max_page_count} is its page count when
 * the request's first call began plus the request's growth allowance; a statement that would grow the file further
 * fails with {@code SQLITE_FULL}, which the guarded connection reports here ({@link #growthExceeded}).
 * Page counts are part of the database's state, so this too is the same at every replica.
 *
 * <p>Once the request is over either limit, {@link #exceeded()} names the limit and the guarded
 * connection refuses every further call with a {@link BudgetExceededException}. When SQLite stops a
 * statement that writes it rolls back the whole transaction, not only the statement: nothing may
 * then run in what would be autocommit mode, and the engine applies the batch again (see
 * {@code SqlStateMachine}). Stopping a read changes nothing.
 *
 * <p>One per connection; owned by the connection's thread.
 */
public final class RequestBudget {
    /** SQLite calls the progress handler every this many instructions of a statement, on replicas. */
    public static final int STEPS_PER_CHECK = 1_000;

    /** The limit a request went over. */
    public enum Limit {
        /** The steps its statements executed. */
        STEPS,
        /** The bytes by which it grew the database file. */
        GROWTH
    }

    private final Handler handler = new Handler();
    private final int stepsPerCheck;
    private long stepsMax;
    private long growthBytesMax;
    private long pagesAtStart;
    private long checks;
    private boolean counting;
    private Limit exceeded;

    private RequestBudget(int stepsPerCheck) {
        this.stepsPerCheck = stepsPerCheck;
        this.stepsMax = stepsPerCheck;
    }

    /**
     * Installs the counting progress handler on an sqlite-jdbc connection, called every
     * {@code stepsPerCheck} instructions ({@link #STEPS_PER_CHECK} on replicas; tests count every
     * instruction to compare replicas exactly). Counts nothing until {@link #count}.
     */
    static RequestBudget install(Connection connection, int stepsPerCheck) throws SQLException {
        Check.argument(stepsPerCheck > 0, "stepsPerCheck must be positive");
        RequestBudget budget = new RequestBudget(stepsPerCheck);
        ProgressHandler.setHandler(connection, stepsPerCheck, budget.handler);
        return budget;
    }

    /**
     * Starts a request that may execute {@code stepsMax} steps and grow the database by
     * {@code growthBytesMax} bytes; nothing is counted yet.
     */
    public void start(long stepsMax, long growthBytesMax) {
        Check.argument(stepsMax >= stepsPerCheck, "a budget must allow at least " + stepsPerCheck + " steps");
        Check.argument(growthBytesMax >= 0, "the growth allowance must not be negative");
        Check.that(!counting, "a request started while a service call is counted");
        this.stepsMax = stepsMax;
        this.growthBytesMax = growthBytesMax;
        pagesAtStart = -1;
        checks = 0;
        exceeded = null;
    }

    /**
     * Starts a request already known to go over {@code limit} (its first execution in this batch
     * was stopped): every service call fails at once with that limit's error, without running.
     */
    public void startExceeded(long stepsMax, long growthBytesMax, Limit limit) {
        start(stepsMax, growthBytesMax);
        exceeded = limit;
    }

    /**
     * Runs a service call, counting its statements' steps against the request's budget. Throws
     * {@link BudgetExceededException} without running it if the request is over a limit already.
     */
    <T> T count(SqlCall<T> call) throws SQLException {
        Check.that(!counting, "service calls do not nest");
        if (exceeded != null) {
            throw exception();
        }
        counting = true;
        try {
            return call.run();
        } finally {
            counting = false;
        }
    }

    /** A statement of the current service call failed with {@code SQLITE_FULL}: it would have grown the file too much. */
    void growthExceeded() {
        if (counting && exceeded == null) {
            exceeded = Limit.GROWTH;
        }
    }

    /** Whether the current request went over a limit (whatever the service did with the error). */
    public boolean isExceeded() {
        return exceeded != null;
    }

    /** The limit the current request went over, or {@code null}. */
    public Limit exceeded() {
        return exceeded;
    }

    /** Steps counted for the current request so far, in units of the check interval. */
    public long stepsUsed() {
        return checks * stepsPerCheck;
    }

    /** The current request's growth allowance, in bytes. */
    public long growthBytesMax() {
        return growthBytesMax;
    }

    /**
     * The database's size in pages when the request's first service call began: {@code pages}, if
     * this is that call. Every call of the request may grow the file up to the same page count.
     */
    long pagesAtStart(long pages) {
        if (pagesAtStart < 0) {
            pagesAtStart = pages;
        }
        return pagesAtStart;
    }

    /** The error of a request over its budget: the same text at every replica. */
    public BudgetExceededException exception() {
        Check.that(exceeded != null, "no limit exceeded");
        return exceeded == Limit.STEPS
                ? new BudgetExceededException("request exceeded the execution budget of " + stepsMax + " SQLite steps")
                : new BudgetExceededException("request exceeded the growth limit of " + growthBytesMax
                        + " bytes: the database may grow by no more per request");
    }

    /** A service call that may run SQL. */
    @FunctionalInterface
    public interface SqlCall<T> {
        T run() throws SQLException;
    }

    /** Called by SQLite on the connection's thread, inside {@code sqlite3_step}; must not throw. */
    private final class Handler extends ProgressHandler {
        @Override
        protected int progress() {
            if (!counting) {
                return 0;
            }
            if (exceeded != null) {
                return 1;
            }
            checks++;
            if (checks * stepsPerCheck > stepsMax) {
                exceeded = Limit.STEPS;
                return 1;
            }
            return 0;
        }
    }
}
