package io.bastion.sql.determinism;

import java.sql.SQLException;

/**
 * A statement or JDBC call that Bastion refuses because it would make replicas diverge or reach
 * outside the replicated database file. Every correct replica refuses the same text the same way,
 * so a refused request fails alike everywhere (its savepoint is rolled back and the client gets the
 * message).
 */
public final class SqlRefusedException extends SQLException {
    /** SQLSTATE class 42: syntax error or access rule violation. */
    private static final String SQL_STATE = "42000";
    private static final int EXCERPT_CHARS_MAX = 80;

    private final String kind;

    SqlRefusedException(String kind, String reason, String sql) {
        super(kind + " is refused: " + reason + (sql == null ? "" : " [in: " + excerpt(sql) + "]"), SQL_STATE);
        this.kind = kind;
    }

    /** What was refused, e.g. {@code "ATTACH"}, {@code "PRAGMA journal_mode"}, {@code "Connection.commit"}. */
    public String kind() {
        return kind;
    }

    private static String excerpt(String sql) {
        String oneLine = sql.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= EXCERPT_CHARS_MAX ? oneLine : oneLine.substring(0, EXCERPT_CHARS_MAX) + "…";
    }
}
