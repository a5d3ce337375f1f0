package io.bastion.sql.determinism;

import org.sqlite.SQLiteConfig;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The SQLite settings under which replicas' database files stay byte-identical, and the one way a
 * replica opens its database. Every setting is explicit, so nothing depends on the defaults a
 * particular sqlite-jdbc build was compiled with.
 *
 * <p>What decides the file's bytes:
 * <ul>
 *   <li>{@code journal_mode=WAL} with {@code wal_autocheckpoint=0}: commits append pages to the
 *       write-ahead log ({@code <file>-wal}), and the log is folded into the file only when the
 *       engine says so ({@link SqliteDatabase#foldLog}), never behind its back — so the engine knows
 *       which pages a fold changes by reading the log's frame headers. In WAL mode SQLite writes
 *       into the header's change counter (bytes 24–27) and version-valid-for (92–95) one more
 *       than the value it last read from the file, which counts a connection's restarts and cache
 *       evictions, not transactions; {@link SqliteDatabase#foldLog} therefore sets both to
 *       {@link SqliteDatabase#HEADER_CHANGE_COUNTER} in the file after each fold (WAL mode does
 *       not use them: it detects changes through the log's index).</li>
 *   <li>{@code locking_mode=NORMAL}, not EXCLUSIVE: other processes are kept out by
 *       {@link SqliteDatabase}'s lock on a side file instead.</li>
 *   <li>{@code page_size=4096}, {@code auto_vacuum=NONE}, {@code encoding=UTF-8}: fixed when the
 *       file is created; opening a file created otherwise fails.</li>
 *   <li>{@code secure_delete=ON}: deleted content and freed pages are zeroed. Any fixed choice is
 *       deterministic; ON also keeps deleted data (say, a withdrawn vote) out of the file, its
 *       snapshots and state transfer, at the cost of writing the zeros.</li>
 * </ul>
 * What decides results and plans: {@code foreign_keys=ON}, {@code recursive_triggers=ON},
 * {@code automatic_index=ON}, {@code reverse_unordered_selects=OFF}, {@code case_sensitive_like=OFF},
 * {@code analysis_limit=0} (ANALYZE reads every row), {@code threads=0},
 * and {@code cache_size}, which also sets the sorter's memory budget and so whether a large sort
 * spills to temporary files. Neither the plan nor the sort order of ties may differ between replicas.
 * {@code temp_store=MEMORY} keeps temporary tables and indexes off the disk; {@code mmap_size=0} and
 * {@code cell_size_check=ON} make every read go through the pager and check cells, so a damaged
 * page is an error rather than a crash.
 *
 * <p>Containment: {@code trusted_schema=OFF}, so that the schema (views, triggers, defaults, CHECK
 * constraints, indexes on expressions) may call only functions marked innocuous: SQLite's
 * side-effect-free built-ins and Bastion's deterministic overrides, which are all registered
 * {@code SQLITE_INNOCUOUS}; nothing in the schema runs a function with side effects behind a later
 * request's back. {@code SQLITE_DBCONFIG_DEFENSIVE} would be set too, but
 * sqlite-jdbc has no call for {@code sqlite3_db_config}; what it guards against is refused by
 * {@link SqlGuard} instead ({@code PRAGMA writable_schema}, {@code journal_mode}, {@code schema_version}
 * and every other setting; {@code sqlite_dbpage} is not compiled into this driver and refused by name).
 * Left open: writing an FTS or R-tree index's shadow tables directly, which DEFENSIVE would refuse; it
 * can spoil that index, identically at every replica.
 * The size limits of {@link SqliteLimits} and the step counter of {@link RequestBudget} are installed
 * here too.
 *
 * <p>Durability: {@code synchronous=FULL}. In WAL mode a commit is the commit frame appended to
 * the log, and FULL syncs the log before the commit returns, so a committed transaction survives
 * a power cut (NORMAL would sync only at folds, and could lose the last commits). SQLite also
 * syncs the directory the first time it syncs a newly created log, so the log's name survives
 * too, and a fold syncs the database file before it truncates the log. {@code synchronous=OFF}
 * is for measurements only: fast, and not crash-safe.
 */
public final class SqliteSettings {
    /** Bytes per page, fixed at creation. */
    public static final int PAGE_SIZE_BYTES = 4096;
    /** Pages of page cache per connection (also the sorter's in-memory budget): 8 MiB. */
    public static final int CACHE_SIZE_PAGES = 2048;

    /** Settings that only take effect on an empty file and are checked afterwards. */
    private static final List<String> FILE_FORMAT = List.of(
            "PRAGMA page_size = " + PAGE_SIZE_BYTES, "PRAGMA auto_vacuum = NONE", "PRAGMA encoding = 'UTF-8'");
    private static final List<String> CONNECTION = List.of(
            "PRAGMA journal_mode = WAL", "PRAGMA wal_autocheckpoint = 0", "PRAGMA locking_mode = NORMAL",
            "PRAGMA secure_delete = ON",
            "PRAGMA foreign_keys = ON", "PRAGMA recursive_triggers = ON", "PRAGMA automatic_index = ON",
            "PRAGMA reverse_unordered_selects = OFF", "PRAGMA case_sensitive_like = OFF", "PRAGMA trusted_schema = OFF",
            "PRAGMA analysis_limit = 0", "PRAGMA threads = 0", "PRAGMA cache_size = " + CACHE_SIZE_PAGES,
            "PRAGMA temp_store = MEMORY", "PRAGMA mmap_size = 0", "PRAGMA cell_size_check = ON",
            "PRAGMA query_only = OFF", "PRAGMA ignore_check_constraints = OFF", "PRAGMA legacy_alter_table = OFF");
    private static final String DURABLE = "PRAGMA synchronous = FULL";
    private static final String MEASUREMENT_ONLY = "PRAGMA synchronous = OFF";
    /** pragma, value it must read back. */
    private static final List<List<String>> EXPECTED = List.of(
            List.of("page_size", String.valueOf(PAGE_SIZE_BYTES)), List.of("auto_vacuum", "0"),
            List.of("encoding", "UTF-8"), List.of("journal_mode", "wal"), List.of("wal_autocheckpoint", "0"),
            List.of("locking_mode", "normal"),
            List.of("secure_delete", "1"), List.of("foreign_keys", "1"), List.of("temp_store", "2"),
            List.of("trusted_schema", "0"));

    private SqliteSettings() {}

    /** {@link #open(Path, boolean, int)} with the default length limit. */
    public static SqliteDatabase open(Path file, boolean durable) throws SQLException {
        return open(file, durable, SqliteLimits.LENGTH_BYTES_DEFAULT);
    }

    /**
     * Opens (creating if absent) the replica's database {@code file} with these settings, the
     * {@link SqliteLimits} (strings, blobs and rows up to {@code lengthBytes}), the step counter
     * and the deterministic functions installed, autocommit off. {@code durable=false} is the
     * no-ACID measurement mode ({@code synchronous=OFF}). Fails if another {@link SqliteDatabase}
     * holds the file or if the file was created with another page size, auto_vacuum or encoding.
     */
    public static SqliteDatabase open(Path file, boolean durable, int lengthBytes) throws SQLException {
        return open(file, durable, lengthBytes, RequestBudget.STEPS_PER_CHECK);
    }

    /** As {@link #open(Path, boolean, int)}, the step counter called every {@code stepsPerCheck} instructions. */
    static SqliteDatabase open(Path file, boolean durable, int lengthBytes, int stepsPerCheck) throws SQLException {
        FileOwnership ownership = acquire(file);
        Connection connection = null;
        DeterministicFunctions functions = null;
        try {
            connection = connect(file);
            SqliteLimits.apply(connection, lengthBytes);
            configure(connection, durable);
            RequestBudget budget = RequestBudget.install(connection, stepsPerCheck);
            functions = DeterministicFunctions.install(connection, new BatchClock());
            connection.setAutoCommit(false);
            FileChannel header = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            return new SqliteDatabase(file, durable, connection, functions, budget, ownership, header);
        } catch (IOException e) {
            SQLException failed = new SQLException("cannot open " + file + ": " + e.getMessage(), e);
            closeAll(functions, connection, ownership, failed);
            throw failed;
        } catch (SQLException | RuntimeException e) {
            closeAll(functions, connection, ownership, e);
            throw e;
        }
    }

    private static FileOwnership acquire(Path file) throws SQLException {
        try {
            return FileOwnership.acquire(file);
        } catch (IOException e) {
            throw new SQLException("cannot take ownership of " + file + ": " + e.getMessage(), e);
        }
    }

    private static Connection connect(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.enableLoadExtension(false);
        return config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
    }

    private static void configure(Connection connection, boolean durable) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String pragma : FILE_FORMAT) {
                statement.execute(pragma);
            }
            for (String pragma : CONNECTION) {
                statement.execute(pragma);
            }
            statement.execute(durable ? DURABLE : MEASUREMENT_ONLY);
            for (List<String> expected : EXPECTED) {
                verify(statement, expected.get(0), expected.get(1));
            }
        }
    }

    private static void verify(Statement statement, String pragma, String expected) throws SQLException {
        try (ResultSet result = statement.executeQuery("PRAGMA " + pragma)) {
            String actual = result.next() ? result.getString(1) : null;
            if (!expected.equals(actual)) {
                throw new SQLException("database has " + pragma + " = " + actual + ", Bastion requires " + expected
                        + " (a file created with other settings cannot be replicated byte for byte)");
            }
        }
    }

    private static void closeAll(DeterministicFunctions functions, Connection connection, FileOwnership ownership,
                                 Exception cause) {
        try {
            if (functions != null) {
                functions.close();
            }
            if (connection != null) {
                connection.close();
            }
            ownership.close();
        } catch (SQLException | IOException | RuntimeException e) {
            cause.addSuppressed(e);
        }
    }
}
