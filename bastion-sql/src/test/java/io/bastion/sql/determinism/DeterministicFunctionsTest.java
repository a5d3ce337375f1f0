package io.bastion.sql.determinism;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.sqlite.SQLiteConfig;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Each override is used, in place of the wall clock and SQLite's PRNG: two connections set to the
 * same agreed time and seed compute the same value, and that value is the one expected from the
 * agreed time (2001, far from any clock the test runs at); calls that do not read the clock keep
 * the built-in's results.
 */
class DeterministicFunctionsTest {
    /** 2001-02-03T04:05:06.789Z. */
    static final long AGREED_MILLIS = 981_173_106_789L;
    static final String AGREED_TEXT = "2001-02-03 04:05:06.789";
    static final long SEED = 0x5eed;
    static final long LATER_MILLIS = 40 * 86_400_000L + 3_661_001L;
    /** Julian day number of 1970-01-01T00:00:00Z, in milliseconds, as SQLite counts it. */
    static final long UNIX_EPOCH_JULIAN_MILLIS = 210_866_760_000_000L;

    private final List<AutoCloseable> opened = new ArrayList<>();
    private Connection first;
    private Connection second;
    private BatchClock firstClock;
    private BatchClock secondClock;

    @BeforeEach
    void installOnTwoConnections() throws SQLException {
        firstClock = new BatchClock();
        secondClock = new BatchClock();
        first = installed(firstClock);
        second = installed(secondClock);
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : opened.reversed()) {
            closeable.close();
        }
    }

    static Stream<Arguments> clockReadingCalls() {
        double julianDay = (AGREED_MILLIS + UNIX_EPOCH_JULIAN_MILLIS) / 86_400_000.0;
        return Stream.of(
                Arguments.of("current_timestamp", "2001-02-03 04:05:06"),
                Arguments.of("current_date", "2001-02-03"),
                Arguments.of("current_time", "04:05:06"),
                Arguments.of("datetime('now')", "2001-02-03 04:05:06"),
                Arguments.of("datetime()", "2001-02-03 04:05:06"),
                Arguments.of("datetime('NOW', '+1 day')", "2001-02-04 04:05:06"),
                Arguments.of("datetime('now', 'start of month', '+1 month', '-1 day')", "2001-02-28 00:00:00"),
                Arguments.of("datetime('now', 'subsec')", AGREED_TEXT),
                Arguments.of("date('now')", "2001-02-03"),
                Arguments.of("date()", "2001-02-03"),
                Arguments.of("time('now')", "04:05:06"),
                Arguments.of("time()", "04:05:06"),
                Arguments.of("julianday('now')", julianDay),
                Arguments.of("julianday()", julianDay),
                Arguments.of("strftime('%Y-%m-%d %H:%M:%f', 'now')", AGREED_TEXT),
                Arguments.of("strftime('%s')", "981173106"),
                Arguments.of("unixepoch()", 981_173_106L),
                Arguments.of("unixepoch('now')", 981_173_106L),
                Arguments.of("unixepoch('now', 'subsec')", 981_173_106.789),
                Arguments.of("timediff('now', '2001-02-02 04:05:06.789')", "+0000-00-01 00:00:00.000"));
    }

    @ParameterizedTest
    @MethodSource("clockReadingCalls")
    void clockReadingCallsReadTheAgreedTime(String call, Object expected) throws SQLException {
        firstClock.set(AGREED_MILLIS, SEED);
        secondClock.set(AGREED_MILLIS, SEED + 1);
        assertThat(value(first, "SELECT " + call)).isEqualTo(expected).isEqualTo(value(second, "SELECT " + call));

        firstClock.set(AGREED_MILLIS + LATER_MILLIS, SEED);
        assertThat(value(first, "SELECT " + call)).as("40 days, 1 hour, 1 minute and 1.001 seconds later")
                .isNotEqualTo(expected);
    }

    @Test
    void keywordsInDefaultClausesAndTriggersReadTheAgreedTimeAndSeed() throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        for (Connection connection : List.of(first, second)) {
            execute(connection, "CREATE TABLE t(id INTEGER PRIMARY KEY, ts TEXT DEFAULT CURRENT_TIMESTAMP, "
                    + "d TEXT DEFAULT CURRENT_DATE, tm TEXT DEFAULT CURRENT_TIME, "
                    + "tomorrow TEXT DEFAULT (datetime('now', '+1 day')), r INTEGER DEFAULT (random()))");
            execute(connection, "CREATE TABLE log(at TEXT, r INTEGER, blob BLOB)");
            execute(connection, "CREATE TRIGGER t_log AFTER INSERT ON t BEGIN "
                    + "INSERT INTO log VALUES (current_timestamp, random(), randomblob(4)); END");
        }
        firstClock.set(AGREED_MILLIS, SEED);
        secondClock.set(AGREED_MILLIS, SEED);
        for (Connection connection : List.of(first, second)) {
            execute(connection, "INSERT INTO t(id) VALUES (1)");
            rows.add(row(connection, "SELECT t.ts, t.d, t.tm, t.tomorrow, t.r, log.at, log.r, hex(log.blob) FROM t, log"));
        }
        assertThat(rows.get(0)).isEqualTo(rows.get(1));
        assertThat(rows.get(0).subList(0, 4)).containsExactly(
                "2001-02-03 04:05:06", "2001-02-03", "04:05:06", "2001-02-04 04:05:06");
        assertThat(rows.get(0).get(5)).isEqualTo("2001-02-03 04:05:06");
    }

    static Stream<String> callsThatDoNotReadTheClock() {
        return Stream.of("datetime('2024-02-29 12:34:56', '+1 year')", "datetime(1700000000, 'unixepoch')",
                "datetime(1700000000.5, 'unixepoch', 'subsec')", "date('2024-01-31', '+1 month')",
                "date('2024-01-31', '+1 month', 'floor')", "date('2024-01-31', '+1 month', 'ceiling')",
                "strftime('%j %W %w %u %G %V %J', '2024-12-30')", "julianday('2000-01-01T12:00:00Z')",
                "unixepoch('2024-01-01 00:00:00+02:00')", "time(2460000.25)", "datetime('2024-05-06', 'weekday 0')",
                "datetime(2460000.5, 'auto')", "datetime(1700000000, 'auto')", "timediff('2024-03-01', '2024-02-01')",
                "date('garbage')", "datetime(NULL)", "datetime(x'323032342d30312d3031')", "strftime()",
                "datetime('2024-01-01', 'now')", "datetime(' now')", "unixepoch('2024-06-01', 'subsec', '+0.25 seconds')");
    }

    @ParameterizedTest
    @MethodSource("callsThatDoNotReadTheClock")
    void callsThatDoNotReadTheClockKeepTheBuiltinResult(String call) throws SQLException {
        firstClock.set(AGREED_MILLIS, SEED);
        try (Connection plain = plainConnection()) {
            assertThat(value(first, "SELECT " + call)).isEqualTo(value(plain, "SELECT " + call));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"+1 day", "start of month", "-3 hours", "start of year", "+90 minutes", "weekday 3",
        "subsec", "+1.5 seconds", "unixepoch", "start of day", "+1 month", "-1 year"})
    void nowWithAModifierIsTheBuiltinOnTheAgreedTime(String modifier) throws SQLException {
        firstClock.set(AGREED_MILLIS, SEED);
        try (Connection plain = plainConnection()) {
            for (String function : List.of("datetime", "julianday", "unixepoch", "date")) {
                assertThat(value(first, "SELECT " + function + "('now', '" + modifier + "')"))
                        .as(function).isEqualTo(value(plain, "SELECT " + function + "('" + AGREED_TEXT + "', '" + modifier + "')"));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"datetime('now', 'localtime')", "date('2024-01-01', 'utc')", "strftime('%H', 'now', 'LocalTime')",
        "datetime('now', ' utc ')", "julianday('now', '+1 day', 'localtime')", "current_timestamp || date('now', 'UTC')"})
    void timeZoneModifiersAreRefused(String call) throws SQLException {
        firstClock.set(AGREED_MILLIS, SEED);
        assertThatThrownBy(() -> value(first, "SELECT " + call)).isInstanceOf(SQLException.class)
                .hasMessageContaining("modifier").hasMessageContaining("time zone");
    }

    @Test
    void functionsRefuseToRunBeforeTheClockIsSet() {
        assertThatThrownBy(() -> value(first, "SELECT datetime('now')")).hasMessageContaining("BatchClock.set");
        assertThatThrownBy(() -> value(first, "SELECT random()")).hasMessageContaining("BatchClock.set");
    }

    @Test
    void randomIsAPrfOfTheRequestSeedAndTheCallPosition() throws SQLException {
        firstClock.set(AGREED_MILLIS, SEED);
        secondClock.set(AGREED_MILLIS + 1, SEED);
        List<Object> values = row(first, "SELECT random(), random(), random()");
        assertThat(values).isEqualTo(row(second, "SELECT random(), random(), random()"));
        RequestRandom expected = new RequestRandom(SEED);
        assertThat(values).containsExactly(expected.nextSqlRandom(), expected.nextSqlRandom(), expected.nextSqlRandom());

        firstClock.set(AGREED_MILLIS, SEED);
        assertThat(row(first, "SELECT random(), random(), random()")).as("a new request restarts the sequence").isEqualTo(values);
        firstClock.set(AGREED_MILLIS, SEED + 1);
        assertThat(row(first, "SELECT random(), random(), random()")).as("another seed").doesNotContainAnyElementsOf(values);
    }

    @Test
    void randomblobIsDeterministicAndBounded() throws SQLException {
        firstClock.set(AGREED_MILLIS, SEED);
        secondClock.set(AGREED_MILLIS, SEED);
        String sql = "SELECT hex(randomblob(40)), length(randomblob(0)), length(randomblob(-5)), length(randomblob('7')), "
                + "length(randomblob(" + DeterministicFunctions.RANDOMBLOB_BYTES_MAX + "))";
        List<Object> values = row(first, sql);
        assertThat(values).isEqualTo(row(second, sql));
        assertThat(values.subList(1, 5)).containsExactly(1L, 1L, 7L, (long) DeterministicFunctions.RANDOMBLOB_BYTES_MAX);
        assertThat((String) values.get(0)).hasSize(80);
        assertThatThrownBy(() -> value(first, "SELECT randomblob(" + (DeterministicFunctions.RANDOMBLOB_BYTES_MAX + 1) + ")"))
                .hasMessageContaining("randomblob(1048577) is refused");
    }

    @Test
    void randomOrderingIsTheSameOnBothConnections() throws SQLException {
        List<List<Object>> orders = new ArrayList<>();
        for (Connection connection : List.of(first, second)) {
            execute(connection, "CREATE TABLE n(x)");
            execute(connection, "WITH RECURSIVE s(x) AS (VALUES (1) UNION ALL SELECT x + 1 FROM s WHERE x < 50) "
                    + "INSERT INTO n SELECT x FROM s");
        }
        firstClock.set(AGREED_MILLIS, SEED);
        secondClock.set(AGREED_MILLIS, SEED);
        for (Connection connection : List.of(first, second)) {
            orders.add(column(connection, "SELECT x FROM n ORDER BY random()"));
        }
        assertThat(orders.get(0)).isEqualTo(orders.get(1)).isNotEqualTo(column(first, "SELECT x FROM n"));
    }

    @Test
    void totalChangesAndLoadExtensionAreRefused() throws SQLException {
        firstClock.set(AGREED_MILLIS, SEED);
        assertThatThrownBy(() -> value(first, "SELECT total_changes()")).hasMessageContaining("total_changes() is refused");
        assertThatThrownBy(() -> value(first, "SELECT load_extension('libm.so')")).hasMessageContaining("load_extension() is refused");
        assertThatThrownBy(() -> value(first, "SELECT load_extension('libm.so', 'init')")).hasMessageContaining("is refused");
    }

    @Test
    void builtinsWouldReadTheClockAndThePrng() throws SQLException {
        try (Connection plain = plainConnection()) {
            assertThat((String) value(plain, "SELECT datetime('now')")).doesNotStartWith("2001");
            assertThat(value(plain, "SELECT random()")).isNotEqualTo(value(plain, "SELECT random()"));
        }
    }

    private Connection installed(BatchClock clock) throws SQLException {
        Connection connection = plainConnection();
        opened.add(connection);
        opened.add(DeterministicFunctions.install(connection, clock));
        return connection;
    }

    static Connection plainConnection() throws SQLException {
        return new SQLiteConfig().createConnection("jdbc:sqlite::memory:");
    }

    static Object value(Connection connection, String sql) throws SQLException {
        return row(connection, sql).get(0);
    }

    static List<Object> row(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            assertThat(result.next()).as(sql).isTrue();
            List<Object> values = new ArrayList<>();
            for (int i = 1; i <= result.getMetaData().getColumnCount(); i++) {
                Object value = result.getObject(i);
                values.add(value instanceof Integer integer ? Long.valueOf(integer) : value);
            }
            return values;
        }
    }

    static List<Object> column(Connection connection, String sql) throws SQLException {
        List<Object> values = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            while (result.next()) {
                values.add(result.getObject(1));
            }
        }
        return values;
    }

    static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate(sql);
        }
    }
}
