package io.bastion.sql.determinism;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.sqlite.SQLiteConnection;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;

import static io.bastion.sql.determinism.DeterministicFunctionsTest.AGREED_MILLIS;
import static io.bastion.sql.determinism.DeterministicFunctionsTest.SEED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the guarded connection refuses, however it is written, and what it lets through. */
class SqlGuardTest {
    @TempDir
    Path directory;
    private SqliteDatabase database;
    private Connection guarded;

    @BeforeEach
    void open() throws SQLException {
        database = SqliteSettings.open(directory.resolve("guarded.db"), false);
        guarded = SqlGuard.wrap(database.connection());
        database.clock().set(AGREED_MILLIS, SEED);
    }

    @AfterEach
    void close() throws SQLException {
        database.close();
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("ATTACH", "ATTACH DATABASE 'other.db' AS other"),
                Arguments.of("ATTACH", "/* x */ attach 'other.db' as other"),
                Arguments.of("ATTACH", "  \n\t AtTaCh 'other.db' AS other"),
                Arguments.of("ATTACH", "-- a comment; with a semicolon\nattach 'other.db' as other"),
                Arguments.of("ATTACH", "select 1; ATTACH 'other.db' AS other"),
                Arguments.of("ATTACH", "SELECT 'a;b', \"c;d\", [e;f], `g;h`;attach 'other.db' as other"),
                Arguments.of("ATTACH", "SELECT x''; ATTACH 'other.db' AS other; SELECT ''"),
                Arguments.of("ATTACH", "SELECT [a'b]; ATTACH 'other.db' AS other"),
                Arguments.of("ATTACH", "SELECT $a(') ; ATTACH 'other.db' AS other; --')"),
                Arguments.of("ATTACH", "SELECT '/*'; ATTACH 'other.db' AS other; --*/"),
                Arguments.of("ATTACH", "EXPLAIN ATTACH 'other.db' AS other"),
                Arguments.of("ATTACH", "WITH x AS (SELECT 1) SELECT * FROM x; ATTACH 'other.db' AS other"),
                Arguments.of("DETACH", "detach database other"),
                Arguments.of("PRAGMA journal_mode", "PRAGMA journal_mode = WAL"),
                Arguments.of("PRAGMA synchronous", "pragma main.synchronous = 0"),
                Arguments.of("PRAGMA foreign_keys", "PRAGMA foreign_keys = OFF"),
                Arguments.of("PRAGMA user_version", "PRAGMA user_version = 3"),
                Arguments.of("PRAGMA writable_schema", "PRAGMA writable_schema=1"),
                Arguments.of("PRAGMA writable_schema", "PRAGMA writable_schema = ON"),
                Arguments.of("PRAGMA writable_schema", "pragma main.writable_schema = 'on'"),
                Arguments.of("PRAGMA trusted_schema", "PRAGMA trusted_schema = ON"),
                Arguments.of("PRAGMA schema_version", "PRAGMA schema_version = 7"),
                Arguments.of("PRAGMA hard_heap_limit", "PRAGMA hard_heap_limit = 1000000"),
                Arguments.of("pragma_writable_schema", "SELECT * FROM pragma_writable_schema"),
                Arguments.of("sqlite_dbpage", "SELECT data FROM sqlite_dbpage WHERE pgno = 1"),
                Arguments.of("sqlite_dbpage", "UPDATE \"SQLITE_DBPAGE\" SET data = zeroblob(4096) WHERE pgno = 1"),
                Arguments.of("dbstat", "CREATE VIEW pages AS SELECT * FROM main.dbstat"),
                Arguments.of("PRAGMA database_list", "PRAGMA database_list"),
                Arguments.of("PRAGMA journal_mode", "PRAGMA \"journal_mode\" = wal"),
                Arguments.of("PRAGMA page_size", "explain pragma page_size = 512"),
                Arguments.of("PRAGMA", "PRAGMA 'page_size' = 512"),
                Arguments.of("VACUUM", "VACUUM"),
                Arguments.of("VACUUM", "vacuum into '/tmp/copy.db'"),
                Arguments.of("VACUUM", "VACUUM main INTO 'copy.db'"),
                Arguments.of("BEGIN", "begin immediate"),
                Arguments.of("COMMIT", "COMMIT"),
                Arguments.of("END", "end transaction"),
                Arguments.of("ROLLBACK", "ROLLBACK TO request"),
                Arguments.of("SAVEPOINT", "savepoint mine"),
                Arguments.of("RELEASE", "RELEASE SAVEPOINT request"),
                Arguments.of("load_extension", "SELECT load_extension('libevil.so')"),
                Arguments.of("load_extension", "select \"LOAD_EXTENSION\"('libevil.so')"),
                Arguments.of("load_extension", "SELECT 1 WHERE [load_extension] ( 'libevil.so' ) IS NULL"),
                Arguments.of("CREATE TEMP", "CREATE TEMP TABLE scratch(x)"),
                Arguments.of("CREATE TEMP", "create temporary view v as select 1"),
                Arguments.of("CREATE TEMP", "CREATE TEMP TRIGGER g AFTER INSERT ON t BEGIN SELECT 1; END"),
                Arguments.of("temp schema", "CREATE TABLE temp.scratch(x)"),
                Arguments.of("temp schema", "create table \"TEMP\".scratch(x)"),
                Arguments.of("temp schema", "SELECT * FROM temp.sqlite_schema"),
                Arguments.of("pragma_database_list", "SELECT * FROM pragma_database_list"),
                Arguments.of("pragma_data_version", "SELECT * FROM \"pragma_data_version\""),
                Arguments.of("dbstat", "SELECT * FROM dbstat"),
                Arguments.of(RequestReset.TABLE, "DROP TABLE " + RequestReset.TABLE),
                Arguments.of("BACKUP", "backup to 'copy.db'"),
                Arguments.of("RESTORE", "RESTORE main FROM 'copy.db'"),
                Arguments.of("BACKUP", "select 1; backup to 'copy.db'"),
                Arguments.of("ATTACH", "CREATE TRIGGER g AFTER INSERT ON t BEGIN SELECT 1; END; ATTACH 'other.db' AS other"),
                Arguments.of("ATTACH in a trigger body", "CREATE TRIGGER g AFTER INSERT ON t BEGIN ATTACH 'other.db' AS o; END"),
                Arguments.of("ATTACH in a trigger body", "CREATE TRIGGER g AFTER INSERT ON t BEGIN ; ATTACH 'o.db' AS o; END;"),
                Arguments.of("ATTACH", "CREATE TRIGGER g AFTER INSERT ON t; ATTACH 'other.db' AS other"));
    }

    @ParameterizedTest
    @MethodSource("refused")
    void refusesStatementsThatBreakDeterminismOrLeaveTheFile(String kind, String sql) {
        assertThatThrownBy(() -> guarded.createStatement().execute(sql))
                .isInstanceOfSatisfying(SqlRefusedException.class, e -> assertThat(e.kind()).isEqualTo(kind))
                .hasMessageContaining(kind + " is refused");
        assertThatThrownBy(() -> guarded.prepareStatement(sql)).isInstanceOf(SqlRefusedException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT 1", "select * from t where a = 'ATTACH'", "SELECT \"ATTACH\" FROM t",
        "\"ATTACH\" 'other.db' AS other", "[vacuum]", "INSERT INTO t VALUES (1, 'BEGIN; COMMIT')",
        "UPDATE t SET a = 'x' -- ; attach 'other.db' as o", "DELETE FROM t WHERE id = ?", "REPLACE INTO t(id) VALUES (1)",
        "CREATE TABLE u(id INTEGER PRIMARY KEY, \"begin\" TEXT, [end] TEXT, `vacuum` TEXT, temp TEXT)",
        "CREATE INDEX i ON t(a)", "DROP TABLE t", "ALTER TABLE t ADD COLUMN x", "ALTER TABLE t RENAME TO u",
        "CREATE VIEW v AS SELECT 1", "SELECT temp FROM t", "SELECT t.temp FROM t",
        "CREATE TRIGGER g AFTER INSERT ON t BEGIN INSERT INTO log VALUES (CASE WHEN new.a > 0 THEN 'p' ELSE 'n' END); "
                + "UPDATE t SET b = 1; END",
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5) INSERT INTO t(id) SELECT x FROM c",
        "PRAGMA table_info(t)", "pragma main.index_list('t')", "PRAGMA foreign_keys", "PRAGMA user_version",
        "PRAGMA foreign_key_check", "SELECT * FROM pragma_table_info('t')", "EXPLAIN QUERY PLAN SELECT * FROM t",
        "ANALYZE", "REINDEX", "CREATE VIRTUAL TABLE f USING fts5(body)", "INSERT INTO t VALUES ($a, :b, @c, ?1)",
        "SELECT random(), datetime('now'), 'load_extension', 'temp.x'", "VALUES (1), (2)",
        "SELECT 1 /* unterminated; ATTACH 'other.db' AS other", " backup_log"})
    void letsOrdinaryStatementsThrough(String sql) {
        assertThatCode(() -> SqlGuard.check(sql)).doesNotThrowAnyException();
    }

    @Test
    void ordinaryWorkRunsOnTheGuardedConnection() throws SQLException {
        try (Statement statement = guarded.createStatement()) {
            statement.executeUpdate("CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT, at TEXT DEFAULT CURRENT_TIMESTAMP)");
            statement.executeUpdate("CREATE TABLE log(n INTEGER PRIMARY KEY, what TEXT)");
            statement.executeUpdate("CREATE TRIGGER g AFTER INSERT ON t BEGIN INSERT INTO log(what) VALUES "
                    + "(CASE WHEN new.a = 'x' THEN 'ex' ELSE 'other' END); END");
            statement.addBatch("INSERT INTO t(a) VALUES ('x')");
            statement.executeBatch();
            assertThat(statement.executeLargeUpdate("UPDATE t SET a = 'y'")).isEqualTo(1L);
            try (ResultSet rows = statement.executeQuery("SELECT a, at, (SELECT what FROM log) FROM t")) {
                assertThat(rows.next()).isTrue();
                assertThat(List.of(rows.getString(1), rows.getString(2), rows.getString(3)))
                        .containsExactly("y", "2001-02-03 04:05:06", "ex");
            }
            try (ResultSet columns = statement.executeQuery("PRAGMA table_info(t)")) {
                assertThat(columns.next()).isTrue();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"INSERT INTO t VALUES (1)", "update t set a = 1", "DELETE FROM t", "REPLACE INTO t VALUES (1)",
        "CREATE TABLE u(x)", "DROP TABLE t", "ALTER TABLE t ADD COLUMN x", "WITH x AS (SELECT 1) DELETE FROM t",
        "SELECT 1; DELETE FROM t", "ANALYZE", "REINDEX", "\"SELECT\" 1", "WITH x AS (SELECT 1)", "PRAGMA journal_mode"})
    void readOnlyRefusesWrites(String sql) {
        assertThatThrownBy(() -> SqlGuard.checkReadOnly(sql)).isInstanceOf(SqlRefusedException.class)
                .hasMessageContaining("is refused");
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT * FROM t", "  values (1)", "WITH x AS (SELECT 1) SELECT * FROM x",
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3) SELECT x FROM c",
        "WITH replace AS NOT MATERIALIZED (SELECT 1), b(y) AS (SELECT 2) SELECT * FROM replace, b",
        "EXPLAIN INSERT INTO t VALUES (1)", "EXPLAIN QUERY PLAN SELECT 1", "PRAGMA table_info(t)", "PRAGMA foreign_keys"})
    void readOnlyLetsQueriesThrough(String sql) {
        assertThatCode(() -> SqlGuard.checkReadOnly(sql)).doesNotThrowAnyException();
    }

    @Test
    void readOnlyConnectionRunsQueriesAndRefusesWrites() throws SQLException {
        try (Statement statement = guarded.createStatement()) {
            statement.executeUpdate("CREATE TABLE t(x)");
        }
        Connection readOnly = SqlGuard.readOnly(database.connection());
        try (Statement statement = readOnly.createStatement(); ResultSet rows = statement.executeQuery("SELECT count(*) FROM t")) {
            assertThat(rows.next()).isTrue();
        }
        assertThatThrownBy(() -> readOnly.createStatement().executeUpdate("INSERT INTO t VALUES (1)"))
                .isInstanceOfSatisfying(SqlRefusedException.class, e -> assertThat(e.kind()).isEqualTo("INSERT"));
    }

    @Test
    void refusesConnectionAndStatementMethodsThatTheEngineOwns() throws SQLException {
        List<ThrowingCall> calls = List.of(() -> guarded.setAutoCommit(true), guarded::commit, guarded::rollback,
                () -> guarded.rollback(null), guarded::setSavepoint, () -> guarded.setSavepoint("s"),
                () -> guarded.releaseSavepoint(null), guarded::close, () -> guarded.setReadOnly(true),
                () -> guarded.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE), () -> guarded.abort(Runnable::run),
                () -> guarded.setNetworkTimeout(Runnable::run, 1), () -> guarded.createStatement().setQueryTimeout(1),
                () -> guarded.createStatement().cancel(), () -> guarded.prepareStatement("SELECT 1").setQueryTimeout(1));
        for (ThrowingCall call : calls) {
            assertThatThrownBy(call::run).isInstanceOf(SqlRefusedException.class).hasMessageContaining("is refused");
        }
        assertThat(database.connection().isClosed()).isFalse();
        assertThat(database.connection().getAutoCommit()).isFalse();
    }

    @Test
    void everythingReachedFromTheGuardedConnectionIsGuarded() throws SQLException {
        Statement statement = guarded.createStatement();
        assertThat(statement.getConnection()).isSameAs(guarded);
        assertThat(guarded.getMetaData().getConnection()).isSameAs(guarded);
        try (ResultSet rows = statement.executeQuery("SELECT 1")) {
            assertThat(rows.getStatement().getConnection()).isSameAs(guarded);
            assertThatThrownBy(() -> rows.getStatement().execute("VACUUM")).isInstanceOf(SqlRefusedException.class);
        }
        PreparedStatement prepared = guarded.prepareStatement("SELECT ?");
        assertThat(prepared.getConnection()).isSameAs(guarded);
        assertThatThrownBy(() -> prepared.executeQuery("PRAGMA journal_mode = WAL")).isInstanceOf(SqlRefusedException.class);
        assertThatThrownBy(() -> statement.addBatch("DETACH other")).isInstanceOf(SqlRefusedException.class);
        assertThatThrownBy(() -> guarded.nativeSQL("ATTACH 'x' AS y")).isInstanceOf(SqlRefusedException.class);
        assertThatThrownBy(() -> guarded.prepareCall("BEGIN")).isInstanceOf(SqlRefusedException.class);
        assertThatThrownBy(() -> guarded.unwrap(SQLiteConnection.class)).isInstanceOf(SqlRefusedException.class);
        assertThatThrownBy(() -> statement.unwrap(org.sqlite.core.CoreStatement.class)).isInstanceOf(SqlRefusedException.class);
        assertThat(guarded.isWrapperFor(SQLiteConnection.class)).isFalse();
        assertThat(guarded.unwrap(Connection.class)).isSameAs(guarded);
    }

    @Test
    void sqliteJdbcWouldRunBackupCommandsOnTheRawConnection() throws SQLException {
        Path copy = directory.resolve("copy.db");
        try (Statement raw = database.connection().createStatement()) {
            raw.executeUpdate("backup to '" + copy + "'");
        }
        assertThat(Files.exists(copy)).isTrue();
        assertThatThrownBy(() -> guarded.createStatement().executeUpdate("backup to '" + copy + "'"))
                .isInstanceOf(SqlRefusedException.class);
    }

    @FunctionalInterface
    private interface ThrowingCall {
        void run() throws Exception;
    }
}
