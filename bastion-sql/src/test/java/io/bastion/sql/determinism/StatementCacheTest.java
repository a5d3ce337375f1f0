package io.bastion.sql.determinism;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static io.bastion.sql.determinism.DeterministicFunctionsTest.AGREED_MILLIS;
import static io.bastion.sql.determinism.DeterministicFunctionsTest.SEED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The guarded connection keeps the statements a service closes, and reusing one changes nothing a request sees. */
class StatementCacheTest {
    @TempDir
    Path directory;
    private SqliteDatabase database;
    /** Every text the guarded connection had SQLite compile, in order. */
    private final List<String> compiled = new ArrayList<>();
    private Connection guarded;
    private Connection countingTarget;

    @BeforeEach
    void open() throws SQLException {
        database = SqliteSettings.open(directory.resolve("cached.db"), false);
        database.clock().set(AGREED_MILLIS, SEED);
        Connection raw = database.connection();
        Connection counting = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("prepareStatement")) {
                        compiled.add((String) args[0]);
                    }
                    try {
                        return method.invoke(raw, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        countingTarget = counting;
        guarded = SqlGuard.wrap(counting);
        try (Statement s = guarded.createStatement()) {
            s.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)");
        }
    }

    @AfterEach
    void close() throws SQLException {
        database.close();
    }

    @Test
    void aClosedStatementIsReusedWithItsParametersCleared() throws SQLException {
        String insert = "INSERT INTO t (k, v) VALUES (?, ?)";
        for (int k = 1; k <= 3; k++) {
            try (PreparedStatement p = guarded.prepareStatement(insert)) {
                p.setInt(1, k);
                p.setString(2, "v" + k);
                assertThat(p.executeUpdate()).isEqualTo(1);
            }
        }
        try (PreparedStatement p = guarded.prepareStatement(insert)) {
            p.setInt(1, 4); // the second parameter is not set: it must not be the "v3" of the last use
            p.executeUpdate();
        }
        assertThat(compiled).as("compiled once, then reused").containsExactly(insert);
        assertThat(rows()).containsExactly("1=v1", "2=v2", "3=v3", "4=null");
    }

    @Test
    void aStatementClosedForTheServiceRefusesToRun() throws SQLException {
        PreparedStatement first = guarded.prepareStatement("SELECT count(*) FROM t");
        first.close();
        assertThat(first.isClosed()).isTrue();
        assertThatThrownBy(first::executeQuery).isInstanceOf(SQLException.class).hasMessageContaining("closed");
        first.close(); // closing twice does nothing
        try (PreparedStatement second = guarded.prepareStatement("SELECT count(*) FROM t");
             ResultSet rs = second.executeQuery()) {
            assertThat(second.isClosed()).isFalse();
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isZero();
        }
        assertThatThrownBy(() -> first.setInt(1, 1)).as("the old handle stays closed after its statement is reused")
                .isInstanceOf(SQLException.class);
    }

    @Test
    void theSameTextPreparedTwiceAtOnceGivesTwoStatements() throws SQLException {
        insert(1, "a");
        insert(2, "b");
        String select = "SELECT v FROM t WHERE k = ?";
        try (PreparedStatement outer = guarded.prepareStatement(select);
             PreparedStatement inner = guarded.prepareStatement(select)) {
            outer.setInt(1, 1);
            inner.setInt(1, 2);
            try (ResultSet a = outer.executeQuery(); ResultSet b = inner.executeQuery()) {
                assertThat(a.next()).isTrue();
                assertThat(b.next()).isTrue();
                assertThat(a.getString(1)).isEqualTo("a");
                assertThat(b.getString(1)).isEqualTo("b");
            }
        }
        try (PreparedStatement again = guarded.prepareStatement(select)) {
            again.setInt(1, 2);
            try (ResultSet rs = again.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("b");
            }
        }
        assertThat(compiled.stream().filter(select::equals)).as("two at once, one kept").hasSize(2);
    }

    @Test
    void aSchemaChangeDropsEveryKeptStatement() throws SQLException {
        insert(1, "a");
        String select = "SELECT * FROM t WHERE k = 1";
        assertThat(columns(select)).isEqualTo(2);
        try (Statement s = guarded.createStatement()) {
            s.execute("ALTER TABLE t ADD COLUMN w TEXT");
        }
        assertThat(columns(select)).as("the new column is seen").isEqualTo(3);
        assertThat(compiled.stream().filter(select::equals)).as("compiled again after ALTER").hasSize(2);

        PreparedStatement held = guarded.prepareStatement(select); // leased before the next change
        try (PreparedStatement ddl = guarded.prepareStatement("CREATE INDEX t_v ON t (v)")) {
            ddl.executeUpdate();
        }
        held.close(); // leased before a schema change: not kept
        assertThat(columns(select)).isEqualTo(3);
        assertThat(compiled.stream().filter(select::equals)).as("compiled again: the held one was not kept").hasSize(3);
    }

    @Test
    void aQueryLeftHalfReadDoesNotStayOpen() throws SQLException {
        for (int k = 1; k <= 5; k++) {
            insert(k, "v" + k);
        }
        Connection raw = database.connection();
        try (PreparedStatement p = guarded.prepareStatement("SELECT v FROM t ORDER BY k")) {
            ResultSet rs = p.executeQuery();
            assertThat(rs.next()).isTrue(); // four rows left unread, the result set not closed by the service
        }
        raw.commit();
        raw.setAutoCommit(true);
        try (Statement s = raw.createStatement(); ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).as("not busy: no statement of the cache holds a read open").isZero();
        }
        raw.setAutoCommit(false);
    }

    @Test
    void theLeastRecentlyUsedTextsLeaveAFullCache() throws SQLException {
        for (int i = 0; i <= SqlGuard.CACHED_STATEMENTS_MAX; i++) {
            columns("SELECT " + i + " FROM t");
        }
        columns("SELECT 0 FROM t"); // the oldest: closed when the cache overflowed
        columns("SELECT " + SqlGuard.CACHED_STATEMENTS_MAX + " FROM t"); // the newest: still kept
        assertThat(compiled.stream().filter("SELECT 0 FROM t"::equals)).hasSize(2);
        assertThat(compiled.stream().filter(("SELECT " + SqlGuard.CACHED_STATEMENTS_MAX + " FROM t")::equals)).hasSize(1);
    }

    @Test
    void droppingKeptStatementsCompilesAgainAndKeepsNoneThatWasOut() throws SQLException {
        String select = "SELECT count(*) FROM t";
        columns(select);
        SqlGuard.dropKeptStatements(guarded);
        PreparedStatement held = guarded.prepareStatement(select); // compiled again
        SqlGuard.dropKeptStatements(guarded); // as at the end of a batch, with a statement still out
        try (ResultSet rs = held.executeQuery()) {
            assertThat(rs.next()).as("a statement out when they were dropped still works").isTrue();
        }
        held.close();
        columns(select);
        assertThat(compiled.stream().filter(select::equals)).hasSize(3);
        assertThatThrownBy(() -> SqlGuard.dropKeptStatements(database.connection()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a guarded connection");
    }

    @Test
    void theReadOnlyConnectionKeepsNothing() throws SQLException {
        Connection readOnly = SqlGuard.readOnly(guardedTarget());
        for (int i = 0; i < 3; i++) {
            try (PreparedStatement p = readOnly.prepareStatement("SELECT count(*) FROM t"); ResultSet rs = p.executeQuery()) {
                assertThat(rs.next()).isTrue();
            }
        }
        assertThat(compiled).containsExactly("SELECT count(*) FROM t", "SELECT count(*) FROM t", "SELECT count(*) FROM t");
    }

    /**
     * Why statements are kept within a batch only: SQLite counts a statement's instructions over all
     * its runs when it decides when to call the progress handler, so a kept statement brings the
     * remainder of its earlier runs into the request that runs it next. Three runs of a statement too
     * short to be counted in one run are counted together when the statement is kept, and not at all
     * when it is compiled afresh each time (as on a replica that has just restarted).
     */
    @Test
    void aKeptStatementCarriesItsStepsIntoItsNextRun() throws SQLException {
        RequestBudget budget = database.budget();
        Connection budgeted = SqlGuard.wrap(guardedTarget(), budget);
        String shortQuery = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20) SELECT count(*) FROM c";
        long[] steps = new long[2];
        for (int dropping = 0; dropping < 2; dropping++) {
            boolean drop = dropping == 1;
            SqlGuard.dropKeptStatements(budgeted);
            budget.start(1_000_000, 0);
            budget.count(() -> {
                for (int run = 0; run < 3; run++) {
                    try (PreparedStatement p = budgeted.prepareStatement(shortQuery); ResultSet rs = p.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getInt(1)).isEqualTo(20);
                    }
                    if (drop) {
                        SqlGuard.dropKeptStatements(budgeted);
                    }
                }
                return null;
            });
            steps[dropping] = budget.stepsUsed();
        }
        assertThat(steps[1]).as("compiled afresh for every run: no run is long enough to be counted").isZero();
        assertThat(steps[0]).as("kept: the three runs are counted together").isEqualTo(RequestBudget.STEPS_PER_CHECK);
    }

    @Test
    void refusedTextsAreRefusedEveryTime() {
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> guarded.prepareStatement("ATTACH 'other.db' AS other"))
                    .isInstanceOf(SqlRefusedException.class);
        }
        assertThat(compiled).isEmpty();
    }

    /** The raw connection, with every compile recorded, for more guarded connections over it. */
    private Connection guardedTarget() {
        return countingTarget;
    }

    private void insert(int k, String v) throws SQLException {
        try (PreparedStatement p = guarded.prepareStatement("INSERT INTO t (k, v) VALUES (?, ?)")) {
            p.setInt(1, k);
            p.setString(2, v);
            p.executeUpdate();
        }
    }

    private int columns(String sql) throws SQLException {
        try (PreparedStatement p = guarded.prepareStatement(sql); ResultSet rs = p.executeQuery()) {
            return rs.getMetaData().getColumnCount();
        }
    }

    private List<String> rows() throws SQLException {
        List<String> rows = new ArrayList<>();
        try (PreparedStatement p = guarded.prepareStatement("SELECT k, v FROM t ORDER BY k"); ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
                rows.add(rs.getInt(1) + "=" + rs.getString(2));
            }
        }
        return rows;
    }
}
