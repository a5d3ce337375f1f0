package io.bastion.sql.determinism;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HexFormat;

import static io.bastion.sql.determinism.DeterministicFunctionsTest.AGREED_MILLIS;
import static io.bastion.sql.determinism.DeterministicFunctionsTest.SEED;
import static io.bastion.sql.determinism.DeterministicFunctionsTest.execute;
import static io.bastion.sql.determinism.DeterministicFunctionsTest.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqliteSettingsTest {
    /** Header bytes 24–27: the file change counter. */
    static final int CHANGE_COUNTER_OFFSET = 24;
    static final int TRANSACTIONS = 10;

    @TempDir
    Path directory;

    @Test
    void opensWithTheFixedSettings() throws SQLException {
        for (boolean durable : new boolean[] {true, false}) {
            try (SqliteDatabase database = SqliteSettings.open(directory.resolve(durable + ".db"), durable)) {
                Connection connection = database.connection();
                assertThat(database.durable()).isEqualTo(durable);
                assertThat(connection.getAutoCommit()).isFalse();
                assertThat(value(connection, "PRAGMA synchronous")).isEqualTo(durable ? 2L : 0L);
                assertThat(value(connection, "PRAGMA page_size")).isEqualTo((long) SqliteSettings.PAGE_SIZE_BYTES);
                assertThat(value(connection, "PRAGMA cache_size")).isEqualTo((long) SqliteSettings.CACHE_SIZE_PAGES);
                assertThat(value(connection, "PRAGMA journal_mode")).isEqualTo("wal");
                assertThat(value(connection, "PRAGMA wal_autocheckpoint")).isEqualTo(0L);
                assertThat(value(connection, "PRAGMA locking_mode")).isEqualTo("normal");
                assertThat(value(connection, "PRAGMA auto_vacuum")).isEqualTo(0L);
                assertThat(value(connection, "PRAGMA encoding")).isEqualTo("UTF-8");
                assertThat(value(connection, "PRAGMA secure_delete")).isEqualTo(1L);
                assertThat(value(connection, "PRAGMA foreign_keys")).isEqualTo(1L);
                assertThat(value(connection, "PRAGMA recursive_triggers")).isEqualTo(1L);
                assertThat(value(connection, "PRAGMA temp_store")).isEqualTo(2L);
                assertThat(value(connection, "PRAGMA threads")).isEqualTo(0L);
                assertThat(value(connection, "PRAGMA trusted_schema")).isEqualTo(0L);
            }
        }
    }

    @Test
    void theSchemaMayCallOnlyInnocuousFunctionsAndTheDeterministicOverridesAreThose() throws SQLException {
        try (SqliteDatabase database = SqliteSettings.open(directory.resolve("trusted.db"), false)) {
            Connection connection = database.connection();
            database.clock().set(AGREED_MILLIS, SEED);
            assertThat(value(connection, "PRAGMA trusted_schema")).isEqualTo(0L);
            execute(connection, "CREATE TABLE t(id INTEGER PRIMARY KEY, at TEXT DEFAULT CURRENT_TIMESTAMP,"
                    + " r INTEGER DEFAULT (random()), d TEXT DEFAULT (datetime('now', '+1 day')), e REAL DEFAULT (exp(1)))");
            execute(connection, "CREATE TABLE log(what TEXT)");
            execute(connection, "CREATE TRIGGER logged AFTER INSERT ON t BEGIN "
                    + "INSERT INTO log VALUES (current_date || ' ' || hex(randomblob(2)) || ' ' || sin(new.id)); END");
            execute(connection, "CREATE VIEW v AS SELECT id, at, julianday('now') AS j, unixepoch() AS u FROM t");
            execute(connection, "INSERT INTO t(id) VALUES (1)");
            assertThat(value(connection, "SELECT at FROM v")).isEqualTo("2001-02-03 04:05:06");
            assertThat(value(connection, "SELECT count(*) FROM log")).isEqualTo(1L);

            execute(connection, "CREATE VIEW counting AS SELECT total_changes()");
            assertThatThrownBy(() -> value(connection, "SELECT * FROM counting")).hasMessageContaining("unsafe use of");
            execute(connection, "CREATE VIRTUAL TABLE words USING fts5(body)");
            execute(connection, "CREATE TRIGGER indexed AFTER INSERT ON log BEGIN INSERT INTO words VALUES (new.what); END");
            execute(connection, "INSERT INTO log VALUES ('hello world')");
            assertThat(value(connection, "SELECT count(*) FROM words WHERE words MATCH 'hello'")).isEqualTo(1L);
            execute(connection, "CREATE VIEW greetings AS SELECT * FROM words WHERE words MATCH 'hello'");
            assertThatThrownBy(() -> value(connection, "SELECT count(*) FROM greetings"))
                    .as("FTS's MATCH is not innocuous: a view may not use it").hasMessageContaining("unsafe use of MATCH");
        }
    }

    @Test
    void theDriversSqliteHasNoRawPageAccessAndNoHeapAccounting() throws SQLException {
        try (SqliteDatabase database = SqliteSettings.open(directory.resolve("build.db"), false)) {
            Connection connection = database.connection();
            assertThatThrownBy(() -> value(connection, "SELECT count(*) FROM sqlite_dbpage"))
                    .hasMessageContaining("no such table: sqlite_dbpage");
            assertThat(value(connection, "SELECT count(*) FROM pragma_compile_options WHERE compile_options = 'ENABLE_DBPAGE_VTAB'"))
                    .isEqualTo(0L);
            // heap limits need memory statistics, which this build leaves off: they cannot bound a request
            assertThat(value(connection, "SELECT count(*) FROM pragma_compile_options WHERE compile_options = 'DEFAULT_MEMSTATUS=0'"))
                    .isEqualTo(1L);
        }
    }

    @Test
    void refusesAFileCreatedWithOtherSettings() throws SQLException {
        Path file = directory.resolve("foreign.db");
        try (Connection plain = new SQLiteConfig().createConnection("jdbc:sqlite:" + file)) {
            execute(plain, "PRAGMA page_size = 1024");
            execute(plain, "CREATE TABLE t(x)");
        }
        for (int attempt = 0; attempt < 2; attempt++) {
            assertThatThrownBy(() -> SqliteSettings.open(file, true)).isInstanceOf(SQLException.class)
                    .hasMessageContaining("page_size = 1024, Bastion requires 4096");
        }
    }

    @Test
    void oneOwnerAtATime() throws SQLException {
        Path file = directory.resolve("owned.db");
        try (SqliteDatabase owner = SqliteSettings.open(file, false)) {
            assertThatThrownBy(() -> SqliteSettings.open(file, false)).hasMessageContaining("already open");
        }
        SqliteSettings.open(file, false).close();
    }

    @Test
    void closeRollsBackWhatWasNotCommitted() throws SQLException {
        Path file = directory.resolve("rollback.db");
        try (SqliteDatabase database = SqliteSettings.open(file, true)) {
            database.clock().set(AGREED_MILLIS, SEED);
            execute(database.connection(), "CREATE TABLE t(x)");
            database.connection().commit();
            execute(database.connection(), "INSERT INTO t VALUES (1)");
        }
        try (SqliteDatabase database = SqliteSettings.open(file, true)) {
            assertThat(value(database.connection(), "SELECT count(*) FROM t")).isEqualTo(0L);
        }
    }

    @Test
    void exclusiveLockingWouldMakeTheFileCountRestarts() throws Exception {
        byte[] neverReopened = writeWithPlainConnections("EXCLUSIVE", TRANSACTIONS);
        byte[] reopenedEachTime = writeWithPlainConnections("EXCLUSIVE", 1);
        assertThat(changeCounter(neverReopened)).isEqualTo("00000001");
        assertThat(changeCounter(reopenedEachTime)).isEqualTo("0000000a");
        assertThat(Arrays.equals(writeWithPlainConnections("NORMAL", TRANSACTIONS), writeWithPlainConnections("NORMAL", 1)))
                .isTrue();
        assertThat(Arrays.equals(writeWithSettings(TRANSACTIONS), writeWithSettings(1))).isTrue();
    }

    /** TRANSACTIONS write transactions, reopening the connection every {@code reopenEvery}. */
    private byte[] writeWithPlainConnections(String lockingMode, int reopenEvery) throws SQLException, IOException {
        Path file = Files.createTempFile(directory, lockingMode, ".db");
        Files.delete(file);
        Connection connection = null;
        for (int i = 0; i < TRANSACTIONS; i++) {
            if (i % reopenEvery == 0) {
                if (connection != null) {
                    connection.close();
                }
                connection = new SQLiteConfig().createConnection("jdbc:sqlite:" + file);
                execute(connection, "PRAGMA locking_mode = " + lockingMode);
            }
            execute(connection, i == 0 ? "CREATE TABLE t(x)" : "INSERT INTO t VALUES (" + i + ")");
        }
        connection.close();
        return Files.readAllBytes(file);
    }

    private byte[] writeWithSettings(int reopenEvery) throws SQLException, IOException {
        Path file = Files.createTempFile(directory, "settings", ".db");
        Files.delete(file);
        SqliteDatabase database = null;
        for (int i = 0; i < TRANSACTIONS; i++) {
            if (i % reopenEvery == 0) {
                if (database != null) {
                    database.close();
                }
                database = SqliteSettings.open(file, false);
            }
            database.clock().set(AGREED_MILLIS, SEED);
            execute(database.connection(), i == 0 ? "CREATE TABLE t(x)" : "INSERT INTO t VALUES (" + i + ")");
            database.connection().commit();
        }
        database.close();
        return Files.readAllBytes(file);
    }

    private static String changeCounter(byte[] file) {
        return HexFormat.of().formatHex(file, CHANGE_COUNTER_OFFSET, CHANGE_COUNTER_OFFSET + Integer.BYTES);
    }
}
