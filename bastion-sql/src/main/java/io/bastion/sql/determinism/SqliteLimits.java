package io.bastion.sql.determinism;

import io.bastion.core.util.Check;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteLimits;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The size limits ({@code sqlite3_limit}) of every replica connection: how long a string, blob,
 * row or statement may be, how deep an expression or a trigger recursion, and so on. SQLite checks
 * them before it allocates or recurses, at every replica alike, so a request that goes over one
 * fails with {@code SQLITE_TOOBIG} (lengths) or an error naming the limit (the others) instead of
 * allocating a gigabyte or exhausting the stack; it is rolled back alone like any failing request.
 * Each is set explicitly, never left to the defaults the driver happened to be compiled with.
 *
 * <p>Only the length limit is configurable (per service, {@code SqlBudget}); the others are fixed
 * well above what ordinary SQL needs. A VM-instruction program longer than
 * {@link #VDBE_INSTRUCTIONS_MAX} is refused by SQLite with {@code SQLITE_NOMEM} ("out of memory"),
 * which is how {@code sqlite3_limit(SQLITE_LIMIT_VDBE_OP)} reports it.
 */
public final class SqliteLimits {
    /** Longest string, blob or row by default ({@code SQLITE_LIMIT_LENGTH}): 4 MiB. */
    public static final int LENGTH_BYTES_DEFAULT = 4 << 20;
    /** The smallest length limit allowed: statements and Bastion's own rows must fit. */
    public static final int LENGTH_BYTES_MIN = 1 << 20;
    /** The largest length limit allowed: SQLite's documented default, 10^9 bytes. */
    public static final int LENGTH_BYTES_MAX = 1_000_000_000;
    /** Longest SQL text of one statement ({@code SQLITE_LIMIT_SQL_LENGTH}): 1 MiB; bind values instead. */
    public static final int SQL_LENGTH_BYTES_MAX = 1 << 20;
    /** Columns of a table, index, view, result set, GROUP BY or ORDER BY: SQLite's default. */
    public static final int COLUMNS_MAX = 2_000;
    /** Depth of an expression tree (the parser recurses on it): SQLite's default. */
    public static final int EXPRESSION_DEPTH_MAX = 1_000;
    /** Terms of a compound SELECT: SQLite's default. */
    public static final int COMPOUND_SELECT_TERMS_MAX = 500;
    /** Instructions in one prepared statement's program (the driver's default is 250 million). */
    public static final int VDBE_INSTRUCTIONS_MAX = 250_000;
    /** Arguments of one function call: this driver's default. */
    public static final int FUNCTION_ARGUMENTS_MAX = 100;
    /** Attached databases: none (ATTACH is refused anyway). */
    public static final int ATTACHED_MAX = 0;
    /**
     * Length of a LIKE or GLOB pattern (the driver's default is 50,000): matching takes time up to
     * the product of the pattern's and the text's length.
     */
    public static final int LIKE_PATTERN_BYTES_MAX = 1_000;
    /** Highest parameter number ({@code ?NNN}): SQLite's default (the driver's is 250,000). */
    public static final int VARIABLES_MAX = 32_766;
    /**
     * Depth of trigger recursion ({@code recursive_triggers} is ON): deeper is almost surely a
     * loop, and every level keeps a frame in memory (SQLite's default is 1,000).
     */
    public static final int TRIGGER_DEPTH_MAX = 100;
    /** Sorter helper threads: none, as {@code PRAGMA threads = 0}. */
    public static final int WORKER_THREADS = 0;
    /**
     * Depth of the parser's stack (nested parentheses, subqueries): SQLite's default. SQLite
     * 3.53 has it as limit number 12, which sqlite-jdbc names {@code SQLITE_LIMIT_PAGE_COUNT}; over
     * it, a statement fails with "Recursion limit".
     */
    public static final int PARSER_DEPTH_MAX = 2_500;

    private SqliteLimits() {}

    /** The limits applied with the given length limit, in the order they are set. */
    static Map<SQLiteLimits, Integer> limits(int lengthBytes) {
        Check.argument(lengthBytes >= LENGTH_BYTES_MIN && lengthBytes <= LENGTH_BYTES_MAX,
                "the length limit must be in " + LENGTH_BYTES_MIN + ".." + LENGTH_BYTES_MAX + " bytes, got "
                        + lengthBytes);
        Map<SQLiteLimits, Integer> limits = new LinkedHashMap<>();
        limits.put(SQLiteLimits.SQLITE_LIMIT_LENGTH, lengthBytes);
        limits.put(SQLiteLimits.SQLITE_LIMIT_SQL_LENGTH, SQL_LENGTH_BYTES_MAX);
        limits.put(SQLiteLimits.SQLITE_LIMIT_COLUMN, COLUMNS_MAX);
        limits.put(SQLiteLimits.SQLITE_LIMIT_EXPR_DEPTH, EXPRESSION_DEPTH_MAX);
        limits.put(SQLiteLimits.SQLITE_LIMIT_COMPOUND_SELECT, COMPOUND_SELECT_TERMS_MAX);
        limits.put(SQLiteLimits.SQLITE_LIMIT_VDBE_OP, VDBE_INSTRUCTIONS_MAX);
        limits.put(SQLiteLimits.SQLITE_LIMIT_FUNCTION_ARG, FUNCTION_ARGUMENTS_MAX);
        limits.put(SQLiteLimits.SQLITE_LIMIT_ATTACHED, ATTACHED_MAX);
        limits.put(SQLiteLimits.SQLITE_LIMIT_LIKE_PATTERN_LENGTH, LIKE_PATTERN_BYTES_MAX);
        limits.put(SQLiteLimits.SQLITE_LIMIT_VARIABLE_NUMBER, VARIABLES_MAX);
        limits.put(SQLiteLimits.SQLITE_LIMIT_TRIGGER_DEPTH, TRIGGER_DEPTH_MAX);
        limits.put(SQLiteLimits.SQLITE_LIMIT_WORKER_THREADS, WORKER_THREADS);
        limits.put(SQLiteLimits.SQLITE_LIMIT_PAGE_COUNT, PARSER_DEPTH_MAX); // id 12: see PARSER_DEPTH_MAX
        return limits;
    }

    /**
     * Sets every limit on an sqlite-jdbc connection and reads each back: SQLite silently lowers a
     * value above the compiled-in maximum, and a replica must not run with a limit other than the
     * one its peers run with. (The driver's {@code getLimit} returns nothing, so the value is read
     * with {@code sqlite3_limit(db, id, -1)}.)
     */
    static void apply(Connection connection, int lengthBytes) throws SQLException {
        SQLiteConnection sqlite = connection.unwrap(SQLiteConnection.class);
        for (Map.Entry<SQLiteLimits, Integer> limit : limits(lengthBytes).entrySet()) {
            sqlite.setLimit(limit.getKey(), limit.getValue());
            int actual = read(connection, limit.getKey());
            if (actual != limit.getValue()) {
                throw new SQLException("SQLite keeps " + limit.getKey() + " at " + actual + ", Bastion requires "
                        + limit.getValue() + " (the driver was compiled with a lower maximum)");
            }
        }
    }

    /** The connection's current value of {@code limit}. */
    static int read(Connection connection, SQLiteLimits limit) throws SQLException {
        return connection.unwrap(SQLiteConnection.class).getDatabase().limit(limit.getId(), -1);
    }
}
