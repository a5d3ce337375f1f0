package io.bastion.sql.determinism;

import org.sqlite.SQLiteLimits;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A replica's open SQLite database, as {@link SqliteSettings#open} returns it: the raw connection
 * (autocommit off, for the engine's own transaction and savepoint statements), the
 * {@link BatchClock} the engine sets before each request, the request's {@link RequestBudget}, and the
 * request check. Hand the service {@link SqlGuard#wrap}{@code (connection(), budget())}, never the
 * raw connection, and run every call into the service through {@link #runCounted}.
 *
 * <p>Owned and used by one thread. {@link #close} rolls back whatever was not committed; closing
 * twice does nothing.
 */
public final class SqliteDatabase implements AutoCloseable {
    /** Preparing it reads the schema into the connection if it is not loaded (see {@link #runCounted}). */
    private static final String LOAD_SCHEMA = "SELECT 1 FROM sqlite_schema LIMIT 0";
    /** A schema change rolled back at once: SQLite then drops the schema it holds in memory (see {@link #forgetSchema}). */
    private static final String[] FORGET_SCHEMA = {"SAVEPOINT bastion_forget_schema",
        "CREATE TEMP TABLE bastion_forget_schema(x)", "ROLLBACK TO bastion_forget_schema", "RELEASE bastion_forget_schema"};

    private final Path file;
    private final boolean durable;
    private final Connection connection;
    private final DeterministicFunctions functions;
    private final RequestBudget budget;
    private final FileOwnership ownership;
    private boolean closed;

    SqliteDatabase(Path file, boolean durable, Connection connection, DeterministicFunctions functions,
                   RequestBudget budget, FileOwnership ownership) {
        this.file = file;
        this.durable = durable;
        this.connection = connection;
        this.functions = functions;
        this.budget = budget;
        this.ownership = ownership;
    }

    /** The database file. */
    public Path file() {
        return file;
    }

    /** False in the no-ACID measurement mode ({@code synchronous=OFF}). */
    public boolean durable() {
        return durable;
    }

    /** The configured connection, unguarded: for the engine only. */
    public Connection connection() {
        return connection;
    }

    /** Set before each request: {@code clock().set(context.timeMillis(), context.randomSeed())}. */
    public BatchClock clock() {
        return functions.clock();
    }

    /** The current request's budget: {@link RequestBudget#start} it with each request. */
    public RequestBudget budget() {
        return budget;
    }

    /** The longest string, blob or row ({@code SQLITE_LIMIT_LENGTH}), in bytes. */
    public int lengthBytesMax() throws SQLException {
        return SqliteLimits.read(connection, SQLiteLimits.SQLITE_LIMIT_LENGTH);
    }

    /**
     * Runs a call into the service within the current request's budget ({@link RequestBudget#count}):
     * its steps counted, and the database allowed to grow by the request's growth allowance only.
     * First makes sure the connection has the schema loaded: parsing it is counted like any SQL,
     * and a connection that was just opened or that forgot its schema must not count differently
     * from one that has it.
     */
    public <T> T runCounted(RequestBudget.SqlCall<T> call) throws SQLException {
        if (budget.isExceeded()) {
            throw budget.exception();
        }
        connection.prepareStatement(LOAD_SCHEMA).close(); // preparing it loads the schema
        long pagesMax = pragma("PRAGMA main.max_page_count");
        long pagesAtStart = budget.pagesAtStart(pragma("PRAGMA main.page_count"));
        pragma("PRAGMA main.max_page_count = " + (pagesAtStart + budget.growthBytesMax() / SqliteSettings.PAGE_SIZE_BYTES));
        try {
            return budget.count(call);
        } finally {
            pragma("PRAGMA main.max_page_count = " + pagesMax);
        }
    }

    private long pragma(String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            return result.next() ? result.getLong(1) : 0;
        }
    }

    /**
     * Makes the connection read the schema and the query planner's statistics again before its next
     * statement; call it after each commit, so that every batch starts from the schema as it is in
     * the file, as on a replica that has just opened it. What a connection holds in memory is not
     * always what a connection opened later reads: the statistics a rolled-back ANALYZE loaded stay
     * in memory (ROLLBACK restores {@code sqlite_stat1} and {@code sqlite_stat4}, not their copy),
     * and {@code ReproducibilityTest} saw step counts part after other schema changes too. The query
     * planner's choices depend on it, and with them the steps a statement takes and the order of
     * rows a query without ORDER BY returns. Changes nothing in the database.
     */
    public void forgetSchema() throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : FORGET_SCHEMA) {
                statement.execute(sql);
            }
        }
    }

    /** See {@link DeterministicFunctions#checkRequest}: call before releasing a request's savepoint. */
    public void checkRequest() throws SQLException {
        functions.checkRequest();
    }

    @Override
    public void close() throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            functions.close();
            connection.rollback();
        } finally {
            try {
                connection.close();
            } finally {
                closeOwnership();
            }
        }
    }

    private void closeOwnership() throws SQLException {
        try {
            ownership.close();
        } catch (IOException e) {
            throw new SQLException("cannot release ownership of " + file, e);
        }
    }
}
