package io.bastion.sql.determinism;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Makes {@code last_insert_rowid()} and {@code changes()} read 0 at the start of every request.
 *
 * <p>Both report what the connection did last, not what the database holds: a connection opened
 * just now reads 0, one that has run for a while reads the rowid and row count of some earlier
 * request — even of a request that was rolled back. Replicas reopen their connections at different
 * times, so without this a request reading them could see different values on different replicas.
 * sqlite-jdbc reads {@code last_insert_rowid()} for {@code getGeneratedKeys()}, so the function
 * must keep its real meaning within a request; resetting it keeps exactly SQLite's semantics from
 * a fixed starting point. Neither value can be set through JDBC, so the reset writes a row with
 * rowid 0 into a table of the connection's private in-memory temp database (never the database
 * file) and then runs an update that changes nothing.
 *
 * <p>The guard ({@link SqlGuard}) refuses every statement that names this table or the temp schema.
 * One instance per connection; not thread-safe.
 */
final class RequestReset {
    /** The temp table, reserved: {@link SqlPolicy} refuses statements that name it. */
    static final String TABLE = "bastion_request_reset";

    private static final String CREATE = "CREATE TEMP TABLE IF NOT EXISTS " + TABLE + "(x)";
    /**
     * Starts with a comment so that sqlite-jdbc does not take it for an INSERT and query
     * {@code last_insert_rowid()} after it for generated keys.
     */
    private static final String SET_ROWID_ZERO =
            "/* last_insert_rowid() = 0 */ INSERT OR REPLACE INTO temp." + TABLE + "(rowid, x) VALUES (0, 0)";
    private static final String SET_CHANGES_ZERO = "UPDATE temp." + TABLE + " SET x = 0 WHERE 0";

    private final Connection connection;
    private PreparedStatement create;
    private PreparedStatement setRowidZero;
    private PreparedStatement setChangesZero;

    RequestReset(Connection connection) {
        this.connection = connection;
    }

    /** Runs between statements; creates the table again if a rolled-back transaction removed it. */
    void run() throws SQLException {
        if (create == null) {
            create = connection.prepareStatement(CREATE);
        }
        create.executeUpdate();
        if (setRowidZero == null) {
            setRowidZero = connection.prepareStatement(SET_ROWID_ZERO);
            setChangesZero = connection.prepareStatement(SET_CHANGES_ZERO);
        }
        setRowidZero.executeUpdate();
        setChangesZero.executeUpdate();
    }

    void close() throws SQLException {
        for (PreparedStatement statement : new PreparedStatement[] {create, setRowidZero, setChangesZero}) {
            if (statement != null) {
                statement.close();
            }
        }
    }
}
