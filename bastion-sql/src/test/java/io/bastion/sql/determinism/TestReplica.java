package io.bastion.sql.determinism;


import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One replica's database, applying transactions the way the engine does: the clock set before each
 * request, each request in its own savepoint (rolled back if any statement fails or the request
 * check fails), one commit per transaction and the schema and the kept statements forgotten after it, the service's SQL
 * through {@link SqlGuard}, counted by the {@link RequestBudget} — instruction by instruction here, so
 * that every request's outcome says exactly how many SQLite steps it took, which must be the same
 * at every replica. It restarts
 * (closes and reopens its connection) and abandons transactions halfway (as a crash before commit
 * would) at moments drawn from its own seeded generator.
 */
final class TestReplica implements AutoCloseable {
    /** One in this many transactions is preceded by a restart. */
    static final int RESTART_ONE_IN = 20;
    /** One in this many transactions is abandoned halfway, the connection reopened and the transaction applied again. */
    static final int ABANDON_ONE_IN = 40;
    /** More than any workload request takes: the count is compared, never hit. */
    static final long STEPS_MAX = 1_000_000_000L;
    static final long GROWTH_BYTES_MAX = 1L << 30;

    private final Path file;
    private final boolean durable;
    private final SplittableRandom faults;
    private SqliteDatabase database;
    private Connection guarded;
    private int restarts;

    TestReplica(Path file, boolean durable, long faultSeed) throws SQLException {
        this.file = file;
        this.durable = durable;
        this.faults = new SplittableRandom(faultSeed);
        open();
    }

    Connection connection() {
        return database.connection();
    }

    int restarts() {
        return restarts;
    }

    /** Applies and commits the transaction; returns one outcome line per request. */
    List<String> apply(Workload.Transaction transaction) throws SQLException {
        if (faults.nextInt(RESTART_ONE_IN) == 0) {
            restart();
        }
        if (faults.nextInt(ABANDON_ONE_IN) == 0) {
            int applied = faults.nextInt(transaction.requests().size() + 1);
            for (Workload.Request request : transaction.requests().subList(0, applied)) {
                applyRequest(request);
            }
            restart(); // what was not committed is gone, as after a crash
        }
        List<String> outcomes = new ArrayList<>();
        for (Workload.Request request : transaction.requests()) {
            outcomes.add(applyRequest(request));
        }
        database.connection().commit();
        database.forgetSchema();
        SqlGuard.dropKeptStatements(guarded); // as the engine does (SqlDatabase.commitBatch)
        return outcomes;
    }

    private String applyRequest(Workload.Request request) throws SQLException {
        database.clock().set(request.timeMillis(), request.seed());
        database.budget().start(STEPS_MAX, GROWTH_BYTES_MAX);
        Connection raw = database.connection();
        execute(raw, "SAVEPOINT request");
        StringBuilder outcome = new StringBuilder();
        try {
            for (Workload.Step step : request.steps()) {
                outcome.append(database.runCounted(() -> executeStep(step))).append(" | ");
            }
            database.checkRequest();
        } catch (SQLException e) {
            outcome.append("failed: ").append(e.getMessage());
            execute(raw, "ROLLBACK TO request");
        }
        execute(raw, "RELEASE request");
        return outcome.append(" steps ").append(database.budget().stepsUsed()).toString();
    }

    private String executeStep(Workload.Step step) throws SQLException {
        try (PreparedStatement statement = guarded.prepareStatement(step.sql())) {
            for (int i = 0; i < step.parameters().size(); i++) {
                statement.setObject(i + 1, step.parameters().get(i));
            }
            if (!statement.execute()) {
                return "updated " + statement.getUpdateCount();
            }
            try (ResultSet rows = statement.getResultSet()) {
                return "rows " + digest(rows);
            }
        }
    }

    private static String digest(ResultSet rows) throws SQLException {
        MessageDigest sha256 = sha256();
        int columns = rows.getMetaData().getColumnCount();
        while (rows.next()) {
            for (int c = 1; c <= columns; c++) {
                Object value = rows.getObject(c);
                String text = value instanceof byte[] b ? HexFormat.of().formatHex(b) : String.valueOf(value);
                sha256.update((text + "\u0000").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return HexFormat.of().formatHex(sha256.digest()).substring(0, 16);
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    void restart() throws SQLException {
        database.close();
        open();
        restarts++;
    }

    private void open() throws SQLException {
        database = SqliteSettings.open(file, durable, SqliteLimits.LENGTH_BYTES_DEFAULT, 1);
        guarded = SqlGuard.wrap(database.connection(), database.budget());
    }

    /** SHA-256 of the database file, read between transactions once the write-ahead log is folded into it. */
    String fileSha256() throws IOException, SQLException {
        database.foldLog();
        return HexFormat.of().formatHex(sha256().digest(Files.readAllBytes(file)));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() throws SQLException {
        database.close();
    }
}
