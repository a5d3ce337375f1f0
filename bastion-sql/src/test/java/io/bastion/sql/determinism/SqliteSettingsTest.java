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
                assertThat(value(connection, "PRAGMA synchronous")).isEqualTo(durable ? 3L : 0L);
                assertThat(value(connection, "PRAGMA page_size")).isEqualTo((long) SqliteSettings.PAGE_SIZE_BYTES);
                assertThat(value(connection, "PRAGMA cache_size")).isEqualTo((long) SqliteSettings.CACHE_SIZE_PAGES);
                assertThat(value(connection, "PRAGMA journal_mode")).isEqualTo("delete");
                assertThat(value(connection, "PRAGMA locking_mode")).isEqualTo("normal");
                assertThat(value(connection, "PRAGMA auto_vacuum")).isEqualTo(0L);
                assertThat(value(connection, "PRAGMA encoding")).isEqualTo("UTF-8");
                assertThat(value(connection, "PRAGMA secure_delete")).isEqualTo(1L);
                assertThat(value(connection, "PRAGMA foreign_keys")).isEqualTo(1L);
                assertThat(value(connection, "PRAGMA recursive_triggers")).isEqualTo(1L);
                assertThat(value(connection, "PRAGMA temp_store")).isEqualTo(2L);
                assertThat(value(connection, "PRAGMA threads")).isEqualTo(0L);
            }
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
