package io.bastion.sql.determinism;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import org.sqlite.SQLiteLimits;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

import static io.bastion.sql.determinism.DeterministicFunctionsTest.AGREED_MILLIS;
import static io.bastion.sql.determinism.DeterministicFunctionsTest.SEED;
import static io.bastion.sql.determinism.DeterministicFunctionsTest.execute;
import static io.bastion.sql.determinism.DeterministicFunctionsTest.value;
import static io.bastion.sql.determinism.SqliteLimits.LENGTH_BYTES_DEFAULT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The size limits every replica connection runs with: SQLite refuses what goes over them before
 * allocating it, with the same error everywhere. Runs with the normal test heap: a limit that did
 * not hold would show as gigabytes allocated.
 */
class SqliteLimitsTest {
    @TempDir
    Path directory;
    private SqliteDatabase database;
    private Connection connection;

    @BeforeEach
    void open() throws SQLException {
        database = SqliteSettings.open(directory.resolve("limits.db"), false);
        connection = SqlGuard.wrap(database.connection());
        database.clock().set(AGREED_MILLIS, SEED);
    }

    @AfterEach
    void close() throws SQLException {
        database.close();
    }

    @Test
    void everyLimitIsSetAsBastionSays() throws SQLException {
        Map<SQLiteLimits, Integer> limits = SqliteLimits.limits(LENGTH_BYTES_DEFAULT);
        assertThat(limits).hasSize(SQLiteLimits.values().length);
        for (Map.Entry<SQLiteLimits, Integer> limit : limits.entrySet()) {
            assertThat(SqliteLimits.read(database.connection(), limit.getKey())).as(limit.getKey().name())
                    .isEqualTo(limit.getValue());
        }
        assertThat(SqliteLimits.read(database.connection(), SQLiteLimits.SQLITE_LIMIT_ATTACHED)).isZero();
        assertThat(SqliteLimits.read(database.connection(), SQLiteLimits.SQLITE_LIMIT_LENGTH)).isEqualTo(4 << 20);
    }

    @Test
    void theLengthLimitIsTheOneAskedFor() throws SQLException {
        try (SqliteDatabase other = SqliteSettings.open(directory.resolve("other.db"), false, 3 << 20)) {
            assertThat(other.lengthBytesMax()).isEqualTo(3 << 20);
        }
        assertThatThrownBy(() -> SqliteSettings.open(directory.resolve("small.db"), false, 1000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("length limit");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT zeroblob(1000000000)",
        "SELECT length(printf('%.*c', 2000000000, 'x'))",
        "SELECT length(replace(hex(zeroblob(3000000)), '0', 'xy'))",
        "SELECT length(hex(zeroblob(2097153)))",
        "SELECT length(zeroblob(3000000) || zeroblob(3000000))",
        "SELECT length(group_concat(hex(randomblob(1000000)))) FROM (VALUES (1), (2), (3))",
        "SELECT length(json_array(hex(zeroblob(1500000)), hex(zeroblob(1500000))))"})
    void stringsAndBlobsLongerThanTheLimitAreRefused(String sql) {
        assertThatThrownBy(() -> value(connection, sql)).isInstanceOfSatisfying(SQLiteException.class,
                e -> assertThat(e.getResultCode()).isEqualTo(SQLiteErrorCode.SQLITE_TOOBIG));
    }

    @Test
    void aValueJustUnderTheLimitIsFine() throws SQLException {
        int bytes = LENGTH_BYTES_DEFAULT / 2 - 1;
        assertThat(value(connection, "SELECT length(hex(zeroblob(" + bytes + ")))")).isEqualTo(2L * bytes);
    }

    @Test
    void aRowLongerThanTheLimitIsRefused() throws SQLException {
        execute(connection, "CREATE TABLE t(a BLOB, b BLOB)");
        execute(connection, "INSERT INTO t VALUES (randomblob(1048576), randomblob(1048576))");
        assertThatThrownBy(() -> execute(connection, "INSERT INTO t SELECT a || a || a, b FROM t"))
                .isInstanceOfSatisfying(SQLiteException.class,
                        e -> assertThat(e.getResultCode()).isEqualTo(SQLiteErrorCode.SQLITE_TOOBIG));
    }

    @Test
    void aBuiltinWhoseResultOutgrowsItsArgumentsStopsAtTheLimitToo() {
        // a 1.2 MB format of '%J' would print some 10 MB of Julian days
        assertThatThrownBy(() -> value(connection,
                "SELECT length(strftime(replace(hex(zeroblob(600000)), '00', '%J'), 'now'))"))
                .isInstanceOf(SQLException.class).hasMessageContaining("too big");
    }

    @Test
    void statementsLongerThanTheLimitAreRefused() {
        String longStatement = "SELECT '" + "x".repeat(SqliteLimits.SQL_LENGTH_BYTES_MAX) + "'";
        assertThatThrownBy(() -> value(connection, longStatement)).isInstanceOfSatisfying(SQLiteException.class,
                e -> assertThat(e.getResultCode()).isEqualTo(SQLiteErrorCode.SQLITE_TOOBIG));
    }

    @Test
    void theOtherLimitsHoldToo() throws SQLException {
        Connection raw = database.connection();
        assertThatThrownBy(() -> execute(raw, "ATTACH ':memory:' AS other")).hasMessageContaining("too many attached");
        assertThatThrownBy(() -> value(connection, "SELECT 'x' LIKE '" + "%x".repeat(SqliteLimits.LIKE_PATTERN_BYTES_MAX) + "'"))
                .hasMessageContaining("pattern too complex");
        execute(connection, "CREATE TABLE chain(n INTEGER)");
        execute(connection, "CREATE TRIGGER deeper AFTER INSERT ON chain WHEN new.n < 1000 BEGIN "
                + "INSERT INTO chain VALUES (new.n + 1); END");
        assertThatThrownBy(() -> execute(connection, "INSERT INTO chain VALUES (0)"))
                .hasMessageContaining("too many levels of trigger recursion");
        execute(connection, "DELETE FROM chain");
        execute(connection, "INSERT INTO chain VALUES (1000 - " + SqliteLimits.TRIGGER_DEPTH_MAX / 2 + ")");
        assertThat(value(connection, "SELECT count(*) FROM chain")).isEqualTo(1L + SqliteLimits.TRIGGER_DEPTH_MAX / 2);
        String deep = "SELECT 1" + " + 1".repeat(SqliteLimits.EXPRESSION_DEPTH_MAX + 1);
        assertThatThrownBy(() -> value(connection, deep)).hasMessageContaining("too large (maximum depth");
        String nested = "SELECT " + "(".repeat(SqliteLimits.PARSER_DEPTH_MAX) + "1" + ")".repeat(SqliteLimits.PARSER_DEPTH_MAX);
        assertThatThrownBy(() -> value(connection, nested)).hasMessageContaining("Recursion limit");
    }

    @Test
    void aProgramLongerThanTheLimitIsRefusedAndTheTransactionGoesOn() throws SQLException {
        Connection raw = database.connection();
        execute(raw, "CREATE TABLE t(x)");
        execute(raw, "INSERT INTO t VALUES (1)");
        execute(raw, "SAVEPOINT request");
        String longProgram = "INSERT INTO t VALUES " + "(1), ".repeat(SqliteLimits.VDBE_INSTRUCTIONS_MAX / 2) + "(1)";
        assertThatThrownBy(() -> execute(connection, longProgram)).isInstanceOfSatisfying(SQLiteException.class,
                e -> assertThat(e.getResultCode()).isEqualTo(SQLiteErrorCode.SQLITE_NOMEM));
        execute(raw, "ROLLBACK TO request");
        execute(raw, "RELEASE request");
        assertThat(value(raw, "SELECT count(*) FROM t")).isEqualTo(1L);
    }
}
