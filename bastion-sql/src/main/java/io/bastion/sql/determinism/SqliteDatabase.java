package io.bastion.sql.determinism;

import org.sqlite.SQLiteLimits;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A replica's open SQLite database, as {@link SqliteSettings#open} returns it: the raw connection
 * (autocommit off, for the engine's own transaction and savepoint statements), the
 * {@link BatchClock} the engine sets before each request, and the request check. Hand the service
 * {@link SqlGuard#wrap}{@code (connection())}, never the raw connection.
 *
 * <p>Owned and used by one thread. {@link #close} rolls back whatever was not committed; closing
 * twice does nothing.
 */
public final class SqliteDatabase implements AutoCloseable {
    /** A schema change rolled back at once: SQLite then drops the schema it holds in memory (see {@link #forgetSchema}). */
    private static final String[] FORGET_SCHEMA = {"SAVEPOINT bastion_forget_schema",
        "CREATE TEMP TABLE bastion_forget_schema(x)", "ROLLBACK TO bastion_forget_schema", "RELEASE bastion_forget_schema"};

    private final Path file;
    private final boolean durable;
    private final Connection connection;
    private final DeterministicFunctions functions;
    private final FileOwnership ownership;
    private boolean closed;

    SqliteDatabase(Path file, boolean durable, Connection connection, DeterministicFunctions functions,
                   FileOwnership ownership) {
        this.file = file;
        this.durable = durable;
        this.connection = connection;
        this.functions = functions;
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

    /**
     * Makes the connection read the schema and the query planner's statistics again before its next
     * statement; call it after each commit, so that every batch starts from the schema as it is in
     * the file, as on a replica that has just opened it. What a connection holds in memory is not
     * always what a connection opened later reads: the statistics a rolled-back ANALYZE loaded stay
     * in memory (ROLLBACK restores {@code sqlite_stat1} and {@code sqlite_stat4}, not their copy).
     * The query planner's choices depend on them, and with them the order of rows a query without
     * ORDER BY returns: {@code ReproducibilityTest} saw replicas answer differently. Changes nothing
     * in the database.
     */
    public void forgetSchema() throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : FORGET_SCHEMA) {
                statement.execute(sql);
            }
        }
    }

    /** The longest string, blob or row ({@code SQLITE_LIMIT_LENGTH}), in bytes. */
    public int lengthBytesMax() throws SQLException {
        return SqliteLimits.read(connection, SQLiteLimits.SQLITE_LIMIT_LENGTH);
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
