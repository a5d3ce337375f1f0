package io.bastion.sql;

import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.service.Authorization;
import io.bastion.core.service.ServiceContext;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A service that runs the SQL it is sent, for budget tests, with a small budget of {@link #STEPS}
 * steps and {@link #GROWTH} bytes.
 * A request is statements separated by {@code ";\n"}; the reply is, per statement, the first
 * column of its first row or its update count, joined by ",". Besides: {@code throw <message>}
 * fails with that message; {@code reply <n>} inserts a row and returns n bytes; {@code swallow
 * <sql>} runs the SQL, ignores its error and inserts a row; {@code whoami} answers the identity;
 * {@code plan <query>} answers the query plan SQLite chooses.
 * Joins take the credentials as the name; the identity is the name and the agreed date as SQL
 * tells it. A name starting with "slow" makes {@code authorize} loop; when a session whose name
 * starts with "hog" ends, {@code sessionEnded} inserts rows forever.
 */
final class BudgetService implements SqlService {
    static final long STEPS = 2_000_000;
    static final long GROWTH = 2 << 20;
    static final String NEVER_ENDING =
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";
    static final String NEVER_ENDING_WRITE =
            "INSERT INTO t(v) WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c";
    /** Inserts rows of 10 kB until the growth allowance stops it (long before the steps run out). */
    static final String GROWING =
            "INSERT INTO t(v) WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT randomblob(10000) FROM c";
    static final String OVER_BUDGET = "error: request exceeded the execution budget of " + STEPS + " SQLite steps";
    static final String OVER_GROWTH = "error: request exceeded the growth limit of " + GROWTH
            + " bytes: the database may grow by no more per request";

    @Override
    public void migrate(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
            s.execute("CREATE TABLE log (what TEXT)");
        }
    }

    @Override
    public SqlBudget budget() {
        return SqlBudget.ofSteps(STEPS).withGrowthBytes(GROWTH);
    }

    @Override
    public byte[] execute(byte[] request, Connection c, ServiceContext context) throws SQLException {
        String text = new String(request, StandardCharsets.UTF_8);
        if (text.startsWith("throw ")) {
            throw new SQLException(text.substring("throw ".length()));
        }
        if (text.startsWith("reply ")) {
            run(c, "INSERT INTO t(v) VALUES ('replied')");
            return new byte[Integer.parseInt(text.substring("reply ".length()))];
        }
        if (text.startsWith("swallow ")) {
            try {
                run(c, text.substring("swallow ".length()));
            } catch (SQLException e) {
                run(c, "INSERT INTO t(v) VALUES ('after the error')");
            }
            return utf8("swallowed");
        }
        if (text.equals("whoami")) {
            return utf8(context.identity());
        }
        if (text.startsWith("plan ")) {
            return utf8(plan(c, text.substring("plan ".length())));
        }
        return utf8(run(c, text));
    }

    @Override
    public byte[] query(byte[] request, Connection c, ServiceContext context) throws SQLException {
        return utf8(run(c, new String(request, StandardCharsets.UTF_8)));
    }

    @Override
    public Authorization authorize(byte[] credentials, PublicKeyRef key, Connection c, ServiceContext context)
            throws SQLException {
        String name = new String(credentials, StandardCharsets.UTF_8);
        if (name.startsWith("slow")) {
            run(c, NEVER_ENDING);
        }
        return Authorization.accept(name + "@" + run(c, "SELECT date('now')"));
    }

    @Override
    public void sessionEnded(long clientId, String identity, Connection c, ServiceContext context) throws SQLException {
        if (identity.startsWith("hog")) {
            run(c, NEVER_ENDING_WRITE);
        }
        run(c, "INSERT INTO log VALUES ('ended " + identity + "')");
    }

    private static String plan(Connection c, String query) throws SQLException {
        StringBuilder plan = new StringBuilder();
        try (Statement s = c.createStatement(); ResultSet rows = s.executeQuery("EXPLAIN QUERY PLAN " + query)) {
            while (rows.next()) {
                plan.append(rows.getString("detail")).append("; ");
            }
        }
        return plan.toString();
    }

    private static String run(Connection c, String script) throws SQLException {
        StringBuilder reply = new StringBuilder();
        try (Statement s = c.createStatement()) {
            for (String sql : script.split(";\n")) {
                if (!reply.isEmpty()) {
                    reply.append(',');
                }
                if (s.execute(sql)) {
                    try (ResultSet rows = s.getResultSet()) {
                        reply.append(rows.next() ? rows.getString(1) : "none");
                    }
                } else {
                    reply.append(s.getUpdateCount());
                }
            }
        }
        return reply.toString();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
