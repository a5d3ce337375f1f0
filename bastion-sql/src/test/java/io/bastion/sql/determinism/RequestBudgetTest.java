package io.bastion.sql.determinism;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static io.bastion.sql.determinism.DeterministicFunctionsTest.AGREED_MILLIS;
import static io.bastion.sql.determinism.DeterministicFunctionsTest.SEED;
import static io.bastion.sql.determinism.DeterministicFunctionsTest.execute;
import static io.bastion.sql.determinism.DeterministicFunctionsTest.value;
import static io.bastion.sql.determinism.RequestBudget.STEPS_PER_CHECK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The request budget: what it counts, that it counts alike on every connection, and how it stops a
 * request; and what SQLite does when it stops one, which the engine builds on.
 */
class RequestBudgetTest {
    static final String NEVER_ENDING =
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";
    static final long BUDGET = 1_000_000;
    /** Large enough for any statement here to finish. */
    static final long UNLIMITED = 1_000_000_000;
    /** Bytes a request may grow the database by. */
    static final long GROWTH = 1 << 20;
    /** Tables that make loading the schema take thousands of steps. */
    static final int TABLES = 200;

    @TempDir
    Path directory;
    private SqliteDatabase database;
    private Connection guarded;

    static String counting(long rows) {
        return "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < " + rows + ") SELECT count(*) FROM c";
    }

    @BeforeEach
    void open() throws SQLException {
        open("budget.db");
    }

    private void open(String name) throws SQLException {
        database = SqliteSettings.open(directory.resolve(name), false);
        guarded = SqlGuard.wrap(database.connection(), database.budget());
        database.clock().set(AGREED_MILLIS, SEED);
    }

    @AfterEach
    void close() throws SQLException {
        database.close();
    }

    /** The steps {@code sql} takes as a request of its own. */
    private long measure(String sql) throws SQLException {
        database.budget().start(UNLIMITED, GROWTH);
        database.runCounted(() -> value(guarded, sql));
        return database.budget().stepsUsed();
    }

    @Test
    void aQueryThatNeverEndsIsStoppedWhenItsStepsAreUsedUp() throws SQLException {
        database.budget().start(BUDGET, GROWTH);
        assertThatThrownBy(() -> database.runCounted(() -> value(guarded, NEVER_ENDING)))
                .isInstanceOfSatisfying(SQLiteException.class,
                        e -> assertThat(e.getResultCode()).isEqualTo(SQLiteErrorCode.SQLITE_INTERRUPT));
        assertThat(database.budget().exceeded()).isEqualTo(RequestBudget.Limit.STEPS);
        assertThat(database.budget().stepsUsed()).isGreaterThan(BUDGET).isLessThanOrEqualTo(BUDGET + STEPS_PER_CHECK);

        assertThatThrownBy(() -> database.runCounted(() -> value(guarded, "SELECT 1")))
                .isInstanceOf(BudgetExceededException.class)
                .hasMessage("request exceeded the execution budget of 1000000 SQLite steps");
        database.budget().start(BUDGET, GROWTH); // the next request starts afresh
        assertThat(database.runCounted(() -> value(guarded, counting(10)))).isEqualTo(10L);
    }

    @Test
    void aRequestWithinItsBudgetRunsAndOneStepCheckOverIsStopped() throws SQLException {
        long rows = 40_000;
        long steps = measure(counting(rows));
        assertThat(steps).isGreaterThan(100L * STEPS_PER_CHECK);

        database.budget().start(steps, GROWTH);
        assertThat(database.runCounted(() -> value(guarded, counting(rows)))).isEqualTo(rows);
        assertThat(database.budget().isExceeded()).isFalse();

        database.budget().start(steps - STEPS_PER_CHECK, GROWTH);
        assertThatThrownBy(() -> database.runCounted(() -> value(guarded, counting(rows))))
                .isInstanceOf(SQLiteException.class);
        assertThat(database.budget().exceeded()).isEqualTo(RequestBudget.Limit.STEPS);
    }

    @Test
    void onlyServiceCallsAreCounted() throws SQLException {
        database.budget().start(BUDGET, GROWTH);
        assertThat(value(database.connection(), counting(100_000))).isEqualTo(100_000L); // the engine's own SQL
        assertThat(database.budget().stepsUsed()).isZero();
        assertThat(database.budget().isExceeded()).isFalse();
    }

    @Test
    void aConnectionThatMustReadTheSchemaAgainCountsWhatOneThatHasItCounts() throws SQLException {
        for (int i = 0; i < TABLES; i++) {
            execute(database.connection(), "CREATE TABLE t" + i + "(id INTEGER PRIMARY KEY, a TEXT, b BLOB, UNIQUE (a, b))");
        }
        database.connection().commit();
        String sql = "SELECT count(*) FROM t7";
        measure(sql);
        long schemaRead = measure(sql);

        database.forgetSchema(); // as after a commit, or on a connection opened a moment ago
        assertThat(measure(sql)).as("the schema is read before counting starts").isEqualTo(schemaRead);

        database.forgetSchema();
        database.budget().start(UNLIMITED, GROWTH);
        database.budget().count(() -> value(guarded, sql));
        assertThat(database.budget().stepsUsed()).as("without reading it first, parsing the schema is counted")
                .isGreaterThan(schemaRead);
    }

    @Test
    void eachConnectionCountsOnlyItsOwnSteps() throws SQLException {
        try (SqliteDatabase other = SqliteSettings.open(directory.resolve("other.db"), false)) {
            other.clock().set(AGREED_MILLIS, SEED);
            Connection otherGuarded = SqlGuard.wrap(other.connection(), other.budget());
            database.budget().start(BUDGET, GROWTH);
            other.budget().start(BUDGET, GROWTH);
            other.runCounted(() -> value(otherGuarded, counting(20_000)));
            assertThat(other.budget().stepsUsed()).isPositive();
            assertThat(database.budget().stepsUsed()).isZero();
            assertThatThrownBy(() -> database.runCounted(() -> value(guarded, NEVER_ENDING))).isInstanceOf(SQLException.class);
            assertThat(other.budget().isExceeded()).isFalse();
        }
    }

    @Test
    void onceTheBudgetIsUsedUpTheGuardedConnectionRefusesEverythingButClose() throws SQLException {
        Statement statement = guarded.createStatement();
        PreparedStatement prepared = guarded.prepareStatement("SELECT 1");
        ResultSet rows = guarded.createStatement().executeQuery("SELECT 1");
        database.budget().start(BUDGET, GROWTH);
        assertThatThrownBy(() -> database.runCounted(() -> value(guarded, NEVER_ENDING))).isInstanceOf(SQLException.class);

        for (ThrowingCall call : new ThrowingCall[] {guarded::createStatement, () -> guarded.prepareStatement("SELECT 1"),
            () -> statement.execute("INSERT INTO nowhere VALUES (1)"), prepared::executeQuery, rows::next,
            guarded::getMetaData}) {
            assertThatThrownBy(call::run).isInstanceOf(BudgetExceededException.class);
        }
        assertThatCode(() -> {
            rows.close();
            prepared.close();
            statement.close();
        }).doesNotThrowAnyException();
    }

    @Test
    void stoppingAStatementThatWritesRollsBackTheWholeTransaction() throws SQLException {
        Connection raw = database.connection();
        execute(raw, "CREATE TABLE t(x)");
        raw.commit();
        execute(raw, "INSERT INTO t VALUES (0)"); // an earlier request of the batch
        execute(raw, "SAVEPOINT request");
        database.budget().start(BUDGET, GROWTH);
        assertThatThrownBy(() -> database.runCounted(() -> {
            execute(guarded, "INSERT INTO t WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c");
            return null;
        })).isInstanceOf(SQLiteException.class);
        assertThatThrownBy(() -> execute(raw, "ROLLBACK TO request")).hasMessageContaining("no such savepoint");
        assertThat(value(raw, "SELECT count(*) FROM t")).as("the earlier request's row went too").isEqualTo(0L);
        execute(raw, "BEGIN"); // what the engine does before applying the batch again
    }

    @Test
    void stoppingAReadLeavesTheTransactionAsItWas() throws SQLException {
        Connection raw = database.connection();
        execute(raw, "CREATE TABLE t(x)");
        raw.commit();
        execute(raw, "INSERT INTO t VALUES (0)");
        execute(raw, "SAVEPOINT request");
        database.budget().start(BUDGET, GROWTH);
        assertThatThrownBy(() -> database.runCounted(() -> value(guarded, NEVER_ENDING))).isInstanceOf(SQLiteException.class);
        execute(raw, "ROLLBACK TO request");
        execute(raw, "RELEASE request");
        assertThat(value(raw, "SELECT count(*) FROM t")).isEqualTo(1L);
    }

    @Test
    void aRequestThatWouldGrowTheFileTooMuchIsStopped() throws SQLException {
        Connection raw = database.connection();
        execute(raw, "CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB)");
        raw.commit();
        execute(raw, "SAVEPOINT request");
        database.budget().start(UNLIMITED, GROWTH);
        long pages = (Long) value(raw, "PRAGMA page_count");
        assertThatThrownBy(() -> database.runCounted(() -> {
            execute(guarded, "INSERT INTO t(v) WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
                    + "SELECT randomblob(10000) FROM c");
            return null;
        })).isInstanceOfSatisfying(SQLiteException.class,
                e -> assertThat(e.getResultCode()).isEqualTo(SQLiteErrorCode.SQLITE_FULL));
        assertThat(database.budget().exceeded()).isEqualTo(RequestBudget.Limit.GROWTH);
        assertThat(database.budget().stepsUsed()).isLessThan(UNLIMITED / 100);
        assertThatThrownBy(guarded::createStatement).isInstanceOf(BudgetExceededException.class)
                .hasMessage("request exceeded the growth limit of 1048576 bytes: the database may grow by no more per request");
        execute(raw, "ROLLBACK TO request"); // a statement of many rows: SQLite rolled back that statement only
        execute(raw, "RELEASE request");
        assertThat(value(raw, "PRAGMA page_count")).isEqualTo(pages);

        database.budget().start(UNLIMITED, GROWTH); // within the allowance, and outside service calls no limit
        database.runCounted(() -> {
            execute(guarded, "INSERT INTO t(v) VALUES (randomblob(500000))");
            return null;
        });
        execute(raw, "INSERT INTO t(v) VALUES (zeroblob(3000000))");
        assertThat(value(raw, "SELECT count(*) FROM t")).isEqualTo(2L);
    }

    @FunctionalInterface
    private interface ThrowingCall {
        void run() throws Exception;
    }
}
