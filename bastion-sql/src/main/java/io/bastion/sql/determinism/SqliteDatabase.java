package io.bastion.sql.determinism;

import org.sqlite.SQLiteLimits;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
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
 * <p>Owned and used by one thread. {@link #close} rolls back whatever was not committed and
 * {@linkplain #foldLog folds} the write-ahead log into the file; closing twice does nothing.
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
    /** The database file, open for as long as the connection is: for the header's canonical bytes. */
    private final FileChannel header;
    private boolean closed;

    SqliteDatabase(Path file, boolean durable, Connection connection, DeterministicFunctions functions,
                   RequestBudget budget, FileOwnership ownership, FileChannel header) {
        this.file = file;
        this.durable = durable;
        this.connection = connection;
        this.functions = functions;
        this.budget = budget;
        this.ownership = ownership;
        this.header = header;
    }

    /**
     * The value of the header's change counter (bytes 24–27) and version-valid-for number (92–95)
     * in the file after every {@link #foldLog fold}. In WAL mode SQLite writes there one more than
     * the value it last read from the file, which depends on when the connection last read page 1
     * (a restart, a cache eviction), so every replica sets the same value instead. The two are
     * equal, as SQLite requires for trusting the header's page count (bytes 28–31), and WAL mode
     * reads neither for anything else.
     */
    public static final int HEADER_CHANGE_COUNTER = 0;
    private static final int CHANGE_COUNTER_OFFSET = 24;
    private static final int VERSION_VALID_FOR_OFFSET = 92;
    /** Bytes of the header up to and including version-valid-for: a file shorter than this has no header yet. */
    private static final int HEADER_BYTES = 100;

    /** The write-ahead log beside {@code file}, where WAL mode appends committed pages until a fold. */
    public static Path writeAheadLog(Path file) {
        return file.resolveSibling(file.getFileName() + "-wal");
    }

    /**
     * Folds the write-ahead log into the database file ({@code PRAGMA wal_checkpoint(TRUNCATE)}:
     * SQLite copies the log's pages into the file, syncs the file, and empties the log), then sets
     * the header's change counter to {@link #HEADER_CHANGE_COUNTER}, so that the file's bytes are
     * the same at every replica at the same state. Call it between transactions only: it ends the
     * connection's read transaction, and a transaction in progress would be rolled back. Crash
     * safe: the log is emptied only after the file holds its pages; a crash before the header is
     * set leaves SQLite's counter, which the next fold sets again.
     */
    public void foldLog() throws SQLException {
        connection.rollback();
        try (Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("PRAGMA main.wal_checkpoint(TRUNCATE)")) {
            if (!result.next() || result.getInt(1) != 0) {
                throw new SQLException("SQLite could not fold the write-ahead log of " + file + " into the file");
            }
        }
        connection.rollback();
        try {
            writeCanonicalHeader();
        } catch (IOException e) {
            throw new SQLException("cannot write the header of " + file + ": " + e.getMessage(), e);
        }
    }

    private void writeCanonicalHeader() throws IOException {
        if (header.size() < HEADER_BYTES) {
            return; // nothing committed yet
        }
        ByteBuffer counter = ByteBuffer.allocate(Integer.BYTES);
        boolean written = false;
        for (int offset : new int[] {CHANGE_COUNTER_OFFSET, VERSION_VALID_FOR_OFFSET}) {
            counter.clear();
            readFully(counter, offset);
            if (counter.getInt(0) != HEADER_CHANGE_COUNTER) {
                counter.clear();
                counter.putInt(0, HEADER_CHANGE_COUNTER);
                while (counter.hasRemaining()) {
                    header.write(counter, offset + counter.position());
                }
                written = true;
            }
        }
        if (written && durable) {
            header.force(false);
        }
    }

    private void readFully(ByteBuffer buffer, long offset) throws IOException {
        while (buffer.hasRemaining()) {
            if (header.read(buffer, offset + buffer.position()) < 0) {
                throw new IOException("unexpected end of " + file);
            }
        }
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
            foldLog(); // SQLite would fold on close anyway, without setting the header
        } finally {
            try {
                connection.close();
            } finally {
                closeHeader();
            }
        }
    }

    private void closeHeader() throws SQLException {
        try {
            header.close(); // after the connection: closing a descriptor of the file drops the process's locks on it
        } catch (IOException e) {
            throw new SQLException("cannot close " + file, e);
        } finally {
            closeOwnership();
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
