package io.bastion.sql.determinism;

import io.bastion.core.util.Check;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteLimits;
import org.sqlite.SQLiteUpdateListener;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Makes the SQL functions that would read the host's clock, SQLite's PRNG, the host's math library
 * or the connection's history read agreed or fixed inputs instead, so that every correct replica
 * computes the same values. Installed once per replica connection, before any statement runs:
 *
 * <ul>
 *   <li>{@code current_timestamp}, {@code current_date}, {@code current_time} (also in DEFAULT
 *       clauses and triggers), {@code date}, {@code time}, {@code datetime}, {@code julianday},
 *       {@code unixepoch}, {@code strftime}, {@code timediff}: 'now' is the request's agreed time
 *       ({@link DateTimeFunctions}); 'localtime' and 'utc' are refused.</li>
 *   <li>{@code random()}, {@code randomblob(n)}: a PRF of the request's seed and the call's
 *       position ({@link RequestRandom}); {@code randomblob} refuses more than
 *       {@link #RANDOMBLOB_BYTES_MAX} bytes.</li>
 *   <li>{@code exp}, {@code ln}, {@code pow}, {@code sin} and the other transcendental functions:
 *       {@link StrictMath} instead of the host's libm ({@link StrictMathFunctions}).</li>
 *   <li>{@code last_insert_rowid()}, {@code changes()}: 0 at the start of each request
 *       ({@link RequestReset}). {@code total_changes()} counts since the connection opened and is
 *       refused.</li>
 *   <li>{@code load_extension}: refused, and extension loading is switched off.</li>
 *   <li>A row given rowid 2^63-1 makes SQLite choose later rowids of that table at random;
 *       {@link #checkRequest} reports it so that the engine rolls the request back.</li>
 * </ul>
 *
 * <p>Not thread-safe: a connection, its clock and these functions are used by one thread at a time.
 */
public final class DeterministicFunctions implements AutoCloseable {
    /** Largest {@code randomblob(n)}: larger requests are refused rather than allocated. */
    public static final int RANDOMBLOB_BYTES_MAX = 1 << 20;

    private final SQLiteConnection connection;
    private final BatchClock clock;
    private final RequestState state;
    private final BuiltinEvaluator builtins;
    private final RequestReset reset;
    private final SQLiteUpdateListener rowidWatch;

    private DeterministicFunctions(SQLiteConnection connection, BatchClock clock, BuiltinEvaluator builtins) {
        this.connection = connection;
        this.clock = clock;
        this.state = new RequestState(clock);
        this.builtins = builtins;
        this.reset = new RequestReset(connection);
        this.rowidWatch = (type, database, table, rowId) -> {
            if (rowId == Long.MAX_VALUE && type != SQLiteUpdateListener.Type.DELETE) {
                state.noteRowidAtMaximum(database + "." + table);
            }
        };
    }

    /**
     * Installs the overrides on an sqlite-jdbc connection and binds {@code clock} to it. Must run
     * before any statement is active on the connection. {@link #close} releases the private
     * in-memory connection used to evaluate built-ins; the replica connection is the caller's.
     */
    public static DeterministicFunctions install(Connection connection, BatchClock clock) throws SQLException {
        Check.argument(!clock.isBound(), "a BatchClock serves one connection; it is already installed on one");
        SQLiteConnection sqlite = connection.unwrap(SQLiteConnection.class);
        sqlite.getDatabase().enable_load_extension(false);
        BuiltinEvaluator builtins = BuiltinEvaluator.open(
                SqliteLimits.read(connection, SQLiteLimits.SQLITE_LIMIT_LENGTH));
        DeterministicFunctions functions = new DeterministicFunctions(sqlite, clock, builtins);
        try {
            functions.register();
        } catch (SQLException | RuntimeException e) {
            builtins.close();
            throw e;
        }
        sqlite.addUpdateListener(functions.rowidWatch);
        clock.bind(functions::requestStarted);
        return functions;
    }

    /** The clock whose {@link BatchClock#set} starts each request on this connection. */
    public BatchClock clock() {
        return clock;
    }

    /**
     * Throws if the current request did something that would make replicas diverge later; the
     * engine calls it before releasing a request's savepoint and rolls the request back if it
     * throws. Today that is giving a row rowid 2^63-1 (9223372036854775807): SQLite would then pick
     * the rowids of later inserts into that table with its own unseeded PRNG.
     */
    public void checkRequest() throws SQLException {
        String table = state.rowidAtMaximum();
        if (table != null) {
            throw new SqlRefusedException("rowid 9223372036854775807",
                    "after a row of " + table + " takes the largest rowid, SQLite picks the rowids of later inserts "
                            + "into it at random, differently on each replica", null);
        }
    }

    @Override
    public void close() throws SQLException {
        clock.unbind();
        connection.removeUpdateListener(rowidWatch);
        try {
            reset.close();
        } finally {
            builtins.close();
        }
    }

    private void requestStarted(BatchClock startedClock) throws SQLException {
        state.start();
        reset.run();
    }

    private void register() throws SQLException {
        ScalarFunction.register(connection, "random", 0, ScalarFunction.INNOCUOUS,
                call -> call.returnLong(state.random().nextSqlRandom()));
        ScalarFunction.register(connection, "randomblob", 1, ScalarFunction.INNOCUOUS, this::randomBlob);
        ScalarFunction.register(connection, "total_changes", 0, 0, call -> {
            throw new SQLException("total_changes() is refused: it counts changes since the connection opened, "
                    + "and replicas reopen their connections at different times; use changes() or RETURNING");
        });
        for (int argumentCount = 1; argumentCount <= 2; argumentCount++) {
            ScalarFunction.register(connection, "load_extension", argumentCount, 0, call -> {
                throw new SQLException("load_extension() is refused: it loads native code into the replica");
            });
        }
        DateTimeFunctions.register(connection, state, builtins);
        StrictMathFunctions.register(connection);
    }

    /** As SQLite: n is read as an integer and at least 1. */
    private void randomBlob(ScalarFunction call) throws SQLException {
        long n = Math.max(1, call.longValue(0));
        if (n > RANDOMBLOB_BYTES_MAX) {
            throw new SQLException("randomblob(" + n + ") is refused: at most " + RANDOMBLOB_BYTES_MAX + " bytes");
        }
        call.returnBlob(state.random().nextBytes((int) n));
    }
}
