package io.bastion.threshold;

import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.service.Authorization;
import io.bastion.core.service.ServiceContext;
import io.bastion.sql.SqlBudget;
import io.bastion.sql.SqlService;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.Function;

/**
 * A {@link SqlService} with the cluster's threshold cryptography: requests carrying a
 * {@link ThresholdOp} go to the {@link ThresholdLedger}, kept in the database (table
 * {@code bastion_threshold_ledger}, so it is in every checkpoint and state transfer and rolls back
 * with its transaction), the rest to the wrapped service, which reaches the ledger through the
 * {@link Threshold} it was built with. Secrets never enter the database.
 */
public final class ThresholdSqlService implements SqlService {
    private static final String TABLE = "bastion_threshold_ledger";
    private final SqlService inner;
    private final ThresholdAccess access;
    private final int n;
    private final int f;
    /**
     * The connection of the request executing or read now (one call at a time), for the service's
     * {@link Threshold}; a read's is read-only, and a read never changes the ledger.
     */
    private Connection current;
    /** The ledger as last read or written (for the replica's agent too), and the digest of its bytes. */
    private volatile ThresholdLedger latest;
    private byte[] latestDigest;

    public ThresholdSqlService(int n, int f, ThresholdAccess access, Function<Threshold, SqlService> make) {
        this.n = n;
        this.f = f;
        this.access = access;
        this.inner = make.apply(new Threshold(() -> load(requireCurrent()), l -> store(requireCurrent(), l)));
    }

    /** The ledger as last seen, for this replica's {@link ThresholdAgent}; {@code null} before any request. */
    public ThresholdLedger ledger() {
        return latest;
    }

    @Override
    public void migrate(Connection connection) throws SQLException {
        inner.migrate(connection);
        try (var st = connection.createStatement()) {
            st.execute("CREATE TABLE " + TABLE
                    + " (id INTEGER PRIMARY KEY CHECK (id = 1), state BLOB NOT NULL, digest BLOB NOT NULL)");
        }
        byte[] empty = new ThresholdLedger(n, f).snapshot();
        try (PreparedStatement ps = connection.prepareStatement(
                "INSERT INTO " + TABLE + " (id, state, digest) VALUES (1, ?, ?)")) {
            ps.setBytes(1, empty);
            ps.setBytes(2, ThresholdLedger.sha256(empty));
            ps.executeUpdate();
        }
    }

    @Override
    public byte[] execute(byte[] request, Connection connection, ServiceContext context) throws SQLException {
        current = connection;
        try {
            if (ThresholdOp.isThresholdOperation(request)) {
                ThresholdLedger ledger = load(connection);
                byte[] reply = ThresholdRequests.execute(ledger, request, context, access);
                store(connection, ledger);
                return reply;
            }
            return inner.execute(request, connection, context);
        } catch (SQLException | RuntimeException e) {
            // the request is rolled back; the ledger object may have changed before it failed
            latest = null;
            latestDigest = null;
            throw e;
        } finally {
            current = null;
        }
    }

    /** The wrapped service's, which may read keys through its {@link Threshold}. */
    @Override
    public void prepareBatch(java.util.List<byte[]> operations, Connection connection) throws SQLException {
        current = connection;
        try {
            inner.prepareBatch(operations, connection);
        } finally {
            current = null;
        }
    }

    /** Reads: the wrapped service's may read keys and results through its {@link Threshold}. */
    @Override
    public byte[] query(byte[] request, Connection connection, ServiceContext context) throws SQLException {
        if (ThresholdOp.isThresholdOperation(request)) {
            return ThresholdRequests.query(load(connection), request);
        }
        current = connection;
        try {
            return inner.query(request, connection, context);
        } finally {
            current = null;
        }
    }

    @Override
    public Authorization authorize(byte[] credentials, PublicKeyRef key, Connection connection, ServiceContext context)
            throws SQLException {
        return inner.authorize(credentials, key, connection, context);
    }

    @Override
    public void sessionStarted(long clientId, String identity, byte[] credentials, PublicKeyRef key,
                               Connection connection, ServiceContext context) throws SQLException {
        inner.sessionStarted(clientId, identity, credentials, key, connection, context);
    }

    @Override
    public void sessionEnded(long clientId, String identity, Connection connection, ServiceContext context)
            throws SQLException {
        inner.sessionEnded(clientId, identity, connection, context);
    }

    @Override
    public SqlBudget budget() {
        return inner.budget();
    }

    private Connection requireCurrent() {
        if (current == null) {
            throw new IllegalStateException("a service reaches its Threshold only while it executes or reads a request");
        }
        return current;
    }

    /**
     * The ledger the database holds. Decoding it checks every point, which costs; so the last one
     * read or written is kept with the digest of its bytes, and decoded again only when the
     * database's digest differs (a rolled-back batch, an installed checkpoint).
     */
    private ThresholdLedger load(Connection connection) {
        try (PreparedStatement ps = connection.prepareStatement("SELECT digest FROM " + TABLE + " WHERE id = 1");
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new IllegalStateException(TABLE + " has no row: the database was not made by this service");
            }
            if (latest != null && java.util.Arrays.equals(rs.getBytes(1), latestDigest)) {
                return latest;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the threshold ledger: " + e.getMessage(), e);
        }
        try (PreparedStatement ps = connection.prepareStatement("SELECT state, digest FROM " + TABLE + " WHERE id = 1");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            ThresholdLedger ledger = ThresholdLedger.restore(rs.getBytes(1), n, f);
            latestDigest = rs.getBytes(2);
            latest = ledger;
            return ledger;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the threshold ledger: " + e.getMessage(), e);
        }
    }

    private void store(Connection connection, ThresholdLedger ledger) {
        byte[] bytes = ledger.snapshot();
        byte[] digest = ThresholdLedger.sha256(bytes);
        try (PreparedStatement ps = connection.prepareStatement(
                "UPDATE " + TABLE + " SET state = ?, digest = ? WHERE id = 1")) {
            ps.setBytes(1, bytes);
            ps.setBytes(2, digest);
            ps.executeUpdate();
            latest = ledger;
            latestDigest = digest;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write the threshold ledger: " + e.getMessage(), e);
        }
    }
}
