package io.bastion.sql.determinism;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import static io.bastion.sql.determinism.DeterministicFunctionsTest.AGREED_MILLIS;
import static io.bastion.sql.determinism.DeterministicFunctionsTest.SEED;
import static io.bastion.sql.determinism.DeterministicFunctionsTest.execute;
import static io.bastion.sql.determinism.DeterministicFunctionsTest.row;
import static io.bastion.sql.determinism.DeterministicFunctionsTest.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a connection remembers from earlier requests: {@code last_insert_rowid()} and
 * {@code changes()} (reset to 0 per request), a row at the largest rowid (reported), and the query
 * planner's statistics (forgotten after each commit).
 */
class ConnectionHistoryTest {
    @TempDir
    Path directory;

    @Test
    void inPlainSqliteLastInsertRowidDependsOnWhenTheConnectionWasOpened() throws SQLException {
        Path file = directory.resolve("plain.db");
        try (Connection longLived = plain(file)) {
            execute(longLived, "CREATE TABLE t(id INTEGER PRIMARY KEY, x)");
            execute(longLived, "INSERT INTO t VALUES (7, 'seven')");
            longLived.setAutoCommit(false);
            execute(longLived, "INSERT INTO t VALUES (8, 'rolled back')");
            longLived.rollback();
            try (Connection fresh = plain(file)) {
                // the "next request": a replica that restarted sees 0, one that did not sees 8,
                // the rowid of an insert that was rolled back
                assertThat(row(fresh, "SELECT last_insert_rowid(), changes()")).containsExactly(0L, 0L);
                assertThat(row(longLived, "SELECT last_insert_rowid(), changes()")).containsExactly(8L, 1L);
            }
        }
    }

    @Test
    void lastInsertRowidAndChangesReadZeroAtTheStartOfEveryRequest() throws SQLException {
        Path file = directory.resolve("replica.db");
        try (SqliteDatabase longLived = SqliteSettings.open(file, false)) {
            longLived.clock().set(AGREED_MILLIS, SEED);
            execute(longLived.connection(), "CREATE TABLE t(id INTEGER PRIMARY KEY, x)");
            execute(longLived.connection(), "INSERT INTO t VALUES (7, 'seven')");
            longLived.connection().commit();
            longLived.clock().set(AGREED_MILLIS, SEED);
            assertThat(row(longLived.connection(), "SELECT last_insert_rowid(), changes()")).containsExactly(0L, 0L);
            longLived.close();
            try (SqliteDatabase reopened = SqliteSettings.open(file, false)) {
                reopened.clock().set(AGREED_MILLIS, SEED);
                assertThat(row(reopened.connection(), "SELECT last_insert_rowid(), changes()")).containsExactly(0L, 0L);
            }
        }
    }

    @Test
    void withinARequestLastInsertRowidKeepsSqliteSemanticsAndGeneratedKeysWork() throws SQLException {
        try (SqliteDatabase database = SqliteSettings.open(directory.resolve("keys.db"), false)) {
            Connection guarded = SqlGuard.wrap(database.connection());
            database.clock().set(AGREED_MILLIS, SEED);
            execute(guarded, "CREATE TABLE t(id INTEGER PRIMARY KEY, x)");
            execute(guarded, "CREATE TABLE log(n INTEGER PRIMARY KEY, at TEXT)");
            execute(guarded, "INSERT INTO log(n) VALUES (100)");
            execute(guarded, "CREATE TRIGGER t_log AFTER INSERT ON t BEGIN INSERT INTO log(at) VALUES (current_timestamp); END");
            database.connection().commit();

            database.clock().set(AGREED_MILLIS, SEED);
            try (Statement statement = guarded.createStatement()) {
                statement.executeUpdate("INSERT INTO t(x) VALUES ('a')");
                try (ResultSet keys = statement.getGeneratedKeys()) {
                    assertThat(keys.next()).isTrue();
                    assertThat(keys.getLong(1)).isEqualTo(1L);
                }
            }
            // the trigger's insert into log (rowid 101) does not count once the trigger is done
            assertThat(row(guarded, "SELECT last_insert_rowid(), changes(), (SELECT max(n) FROM log)"))
                    .containsExactly(1L, 1L, 101L);
        }
    }

    @Test
    void inPlainSqliteARowAtTheLargestRowidMakesLaterRowidsRandom() throws SQLException {
        long[] chosen = new long[2];
        for (int i = 0; i < chosen.length; i++) {
            try (Connection plain = new SQLiteConfig().createConnection("jdbc:sqlite::memory:")) {
                execute(plain, "CREATE TABLE t(id INTEGER PRIMARY KEY)");
                execute(plain, "INSERT INTO t VALUES (9223372036854775807)");
                execute(plain, "INSERT INTO t VALUES (NULL)");
                chosen[i] = (long) value(plain, "SELECT min(id) FROM t");
            }
        }
        assertThat(chosen[0]).isNotEqualTo(chosen[1]);
    }

    @Test
    void aRowAtTheLargestRowidFailsTheRequestCheck() throws SQLException {
        try (SqliteDatabase database = SqliteSettings.open(directory.resolve("max.db"), false)) {
            Connection connection = database.connection();
            database.clock().set(AGREED_MILLIS, SEED);
            execute(connection, "CREATE TABLE t(id INTEGER PRIMARY KEY, x)");
            execute(connection, "INSERT INTO t VALUES (1, 'one')");
            database.checkRequest();
            for (String sql : List.of("INSERT INTO t VALUES (9223372036854775807, 'max')",
                    "UPDATE t SET id = 9223372036854775807 WHERE id = 1")) {
                database.clock().set(AGREED_MILLIS, SEED);
                execute(connection, "SAVEPOINT request");
                execute(connection, sql);
                assertThatThrownBy(database::checkRequest).isInstanceOf(SqlRefusedException.class)
                        .hasMessageContaining("main.t").hasMessageContaining("at random");
                execute(connection, "ROLLBACK TO request");
                execute(connection, "RELEASE request");
            }
            database.clock().set(AGREED_MILLIS, SEED);
            database.checkRequest();
        }
    }

    @Test
    void aClockServesOneConnectionAndAgreedTimesStayWithinSqlitesRange() throws SQLException {
        BatchClock clock = new BatchClock();
        try (Connection one = DeterministicFunctionsTest.plainConnection();
             Connection two = DeterministicFunctionsTest.plainConnection();
             DeterministicFunctions functions = DeterministicFunctions.install(one, clock)) {
            assertThat(functions.clock()).isSameAs(clock);
            assertThatThrownBy(() -> DeterministicFunctions.install(two, clock)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> clock.set(BatchClock.LATEST_MILLIS + 1, SEED)).isInstanceOf(IllegalArgumentException.class);
            clock.set(BatchClock.EARLIEST_MILLIS, SEED);
            assertThat(value(one, "SELECT datetime('now')")).isEqualTo("0000-01-01 00:00:00");
            clock.set(BatchClock.LATEST_MILLIS, SEED);
            assertThat(value(one, "SELECT strftime('%Y-%m-%d %H:%M:%f', 'now')")).isEqualTo("9999-12-31 23:59:59.999");
        }
    }

    private static Connection plain(Path file) throws SQLException {
        return new SQLiteConfig().createConnection("jdbc:sqlite:" + file);
    }

    @Test
    void statisticsOfARolledBackAnalyzeStayInTheConnectionUntilItForgetsTheSchema() throws SQLException {
        Path file = directory.resolve("statistics.db");
        String query = "SELECT * FROM t WHERE a = 'a1' AND b = 1";
        String committedPlan;
        try (SqliteDatabase database = SqliteSettings.open(file, false)) {
            Connection raw = database.connection();
            execute(raw, "CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT, b INTEGER)");
            execute(raw, "CREATE INDEX by_a ON t(a)");
            execute(raw, "CREATE INDEX by_b ON t(b)");
            execute(raw, "INSERT INTO t(a, b) WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000) "
                    + "SELECT 'a' || (x % 3), x FROM c");
            execute(raw, "ANALYZE"); // a few values of a, b unique: the planner searches by b
            execute(raw, "UPDATE t SET a = 'a' || id, b = id % 2"); // now a is unique
            raw.commit();
            committedPlan = plan(raw, query);

            execute(raw, "SAVEPOINT request");
            execute(raw, "ANALYZE");
            execute(raw, "ROLLBACK TO request");
            execute(raw, "RELEASE request");
            assertThat(plan(raw, query)).as("SQLite keeps the rolled-back statistics").isNotEqualTo(committedPlan);
            database.forgetSchema();
            assertThat(plan(raw, query)).isEqualTo(committedPlan);
            raw.commit();
        }
        try (SqliteDatabase reopened = SqliteSettings.open(file, false)) {
            assertThat(plan(reopened.connection(), query)).isEqualTo(committedPlan);
        }
    }

    private static String plan(Connection connection, String query) throws SQLException {
        StringBuilder plan = new StringBuilder();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("EXPLAIN QUERY PLAN " + query)) {
            while (rows.next()) {
                plan.append(rows.getString(4)).append("; ");
            }
        }
        return plan.toString();
    }
}
