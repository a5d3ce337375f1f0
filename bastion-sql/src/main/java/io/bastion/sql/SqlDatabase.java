package io.bastion.sql;

import io.bastion.core.crypto.Digest;
import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.execution.CachedReply;
import io.bastion.core.message.Reply;
import io.bastion.core.service.Authorization;
import io.bastion.core.service.ServiceContext;
import io.bastion.core.session.JoinRequest;
import io.bastion.core.session.Session;
import io.bastion.core.session.SessionSettings;
import io.bastion.core.session.Sessions;
import io.bastion.core.util.Check;
import io.bastion.sql.determinism.RequestBudget;
import io.bastion.sql.determinism.SqlGuard;
import io.bastion.sql.determinism.SqliteDatabase;
import io.bastion.sql.determinism.SqliteLimits;
import io.bastion.sql.determinism.SqliteSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;

/**
 * One replica's SQLite database and Bastion's bookkeeping inside it: the reply cache
 * ({@code bastion_replies}) and the position ({@code bastion_position}), written in the same
 * transaction as the batch they belong to. Owns the transaction: requests run in savepoints.
 *
 * <p>Every call into the service runs within the request's {@link SqlBudget} ({@link #startRequest}).
 * A request over it fails with an error naming the limit. When SQLite stopped a statement that
 * writes, it rolled back the batch's whole transaction, not only the request's savepoint:
 * {@link #transactionLost()} then says so, nothing more runs, and the state machine applies the
 * batch again from its start ({@link #restartBatch}).
 *
 * <p>Owned by one thread.
 */
public final class SqlDatabase implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SqlDatabase.class);

    /** How commits reach the disk. */
    public enum Mode {
        /** synchronous=FULL in WAL mode: a committed batch survives a power cut. */
        DURABLE,
        /** synchronous=OFF: NOT crash-safe, for measuring what durability costs only. */
        NO_ACID
    }

    /** SQLite page size, and the chunk size of state digests and transfer. */
    public static final int PAGE_BYTES = SqliteSettings.PAGE_SIZE_BYTES;
    private static final String SAVEPOINT = "bastion_request";

    private final Path file;
    private final SqlBudget budget;
    private final RequestBudget requestBudget;
    private final Connection connection;
    private final Connection serviceConnection;
    private final Connection readOnlyConnection;
    /** Read-only, outside any request's budget: for {@link SqlService#prepareBatch}. */
    private final Connection preparingConnection;
    private final SqliteDatabase sqlite;
    private final PreparedStatement upsertReply;
    private final PreparedStatement selectReply;
    private final PreparedStatement updatePosition;
    private final PreparedStatement upsertSession;
    private final PreparedStatement deleteSession;
    private final PreparedStatement insertJoin;
    private final PreparedStatement deleteJoin;
    private final PreparedStatement updateNextClientId;
    private long lastSeq;
    private long lastAgreedTime;
    private boolean transactionLost;

    private SqlDatabase(Path file, SqliteDatabase sqlite, SqlBudget budget) throws SQLException {
        this.file = file;
        this.budget = budget;
        this.sqlite = sqlite;
        this.requestBudget = sqlite.budget();
        this.connection = sqlite.connection();
        this.serviceConnection = SqlGuard.wrap(connection, requestBudget);
        this.readOnlyConnection = SqlGuard.readOnly(connection, requestBudget);
        this.preparingConnection = SqlGuard.readOnly(connection);
        this.upsertReply = connection.prepareStatement("INSERT INTO bastion_replies (client_id, seq, request_number, "
                + "status, result) VALUES (?, ?, ?, ?, ?) ON CONFLICT (client_id) DO UPDATE SET seq = excluded.seq, "
                + "request_number = excluded.request_number, status = excluded.status, result = excluded.result");
        this.selectReply = connection.prepareStatement(
                "SELECT seq, request_number, status, result FROM bastion_replies WHERE client_id = ?");
        this.updatePosition = connection.prepareStatement(
                "UPDATE bastion_position SET last_seq = ?, last_time = ? WHERE id = 0");
        this.upsertSession = connection.prepareStatement("INSERT INTO bastion_sessions (client_id, identity, "
                + "key_algorithm, key, joined_at, last_active) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (client_id) "
                + "DO UPDATE SET last_active = excluded.last_active");
        this.deleteSession = connection.prepareStatement("DELETE FROM bastion_sessions WHERE client_id = ?");
        this.insertJoin = connection.prepareStatement(
                "INSERT OR REPLACE INTO bastion_joins (join_key, client_id, expires_at) VALUES (?, ?, ?)");
        this.deleteJoin = connection.prepareStatement("DELETE FROM bastion_joins WHERE join_key = ?");
        this.updateNextClientId = connection.prepareStatement(
                "UPDATE bastion_position SET next_client_id = ? WHERE id = 0");
    }

    /**
     * Opens {@code file}, creating it (Bastion's tables, then {@link SqlService#migrate}) if new.
     * The service's {@link SqlService#budget()} applies from here on; {@code migrate} runs
     * within the length limits but without a step budget.
     */
    static SqlDatabase open(Path file, Mode mode, SqlService service) {
        SqliteDatabase sqlite = null;
        try {
            SqlBudget budget = service.budget();
            sqlite = SqliteSettings.open(file, mode == Mode.DURABLE, budget.lengthBytes());
            Connection connection = sqlite.connection();
            boolean fresh = !tableExists(connection, "bastion_position");
            if (fresh) {
                SqlStateMachine.executeAll(connection,
                        "CREATE TABLE bastion_position (id INTEGER PRIMARY KEY CHECK (id = 0), last_seq INTEGER NOT NULL,"
                                + " last_time INTEGER NOT NULL, next_client_id INTEGER NOT NULL)",
                        "INSERT INTO bastion_position VALUES (0, 0, 0, " + SessionSettings.FIRST_DYNAMIC_CLIENT_ID + ")",
                        "CREATE TABLE bastion_replies (client_id INTEGER PRIMARY KEY, seq INTEGER NOT NULL,"
                                + " request_number INTEGER NOT NULL, status INTEGER NOT NULL, result BLOB NOT NULL)",
                        "CREATE TABLE bastion_sessions (client_id INTEGER PRIMARY KEY, identity TEXT NOT NULL UNIQUE,"
                                + " key_algorithm INTEGER NOT NULL, key BLOB NOT NULL, joined_at INTEGER NOT NULL,"
                                + " last_active INTEGER NOT NULL)",
                        "CREATE TABLE bastion_joins (join_key BLOB PRIMARY KEY, client_id INTEGER NOT NULL,"
                                + " expires_at INTEGER NOT NULL)");
                sqlite.clock().set(0, 0);
                service.migrate(SqlGuard.wrap(connection));
                sqlite.checkRequest();
                connection.commit();
            }
            SqlDatabase db = new SqlDatabase(file, sqlite, budget);
            db.readPosition();
            LOG.info("database {} {} at seq {}", file, fresh ? "created" : "opened", db.lastSeq);
            return db;
        } catch (SQLException | RuntimeException e) {
            if (sqlite != null) {
                try {
                    sqlite.close();
                } catch (SQLException closing) {
                    e.addSuppressed(closing);
                }
            }
            throw new IllegalStateException("cannot open database " + file + ": " + e.getMessage(), e);
        }
    }

    private static boolean tableExists(Connection c, String table) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?")) {
            p.setString(1, table);
            boolean exists = SqlStateMachine.readLong(p) > 0;
            c.rollback(); // end the read transaction
            return exists;
        }
    }

    private void readPosition() throws SQLException {
        try (PreparedStatement p = connection.prepareStatement("SELECT last_seq, last_time FROM bastion_position");
             ResultSet rs = p.executeQuery()) {
            rs.next();
            lastSeq = rs.getLong(1);
            lastAgreedTime = rs.getLong(2);
        }
        connection.rollback();
    }

    long lastSeq() {
        return lastSeq;
    }

    long lastAgreedTime() {
        return lastAgreedTime;
    }

    /**
     * Starts a request: its agreed time and seed, and a fresh budget, or one over {@code exceeded}
     * already when the request went over it the first time this batch was applied: its calls into
     * the service then fail at once with that limit's error.
     */
    void startRequest(ServiceContext context, RequestBudget.Limit exceeded) throws SQLException {
        requireTransaction();
        sqlite.clock().set(context.timeMillis(), context.randomSeed());
        if (exceeded != null) {
            requestBudget.startExceeded(budget.steps(), budget.growthBytes(), exceeded);
        } else {
            requestBudget.start(budget.steps(), budget.growthBytes());
        }
    }

    /**
     * Runs one ordered request in its own savepoint: its effects stay if it returns, and are
     * rolled back alone if it throws, exceeds its budget or returns a reply too long to keep (the
     * reply then carries the error). Deterministic: the same error text at every replica.
     */
    byte[] runRequest(SqlService service, byte[] operation, ServiceContext context) throws SQLException {
        requireTransaction();
        sqlite.clock().set(context.timeMillis(), context.randomSeed());
        SqlStateMachine.executeAll(connection, "SAVEPOINT " + SAVEPOINT);
        try {
            byte[] result = sqlite.runCounted(() -> service.execute(operation, serviceConnection, context));
            requireWithinBudget();
            sqlite.checkRequest();
            result = requireReplyFits(result);
            SqlStateMachine.executeAll(connection, "RELEASE " + SAVEPOINT);
            return result;
        } catch (SQLException | RuntimeException e) {
            rollBackRequest();
            return errorReply(e);
        }
    }

    /**
     * Answers a read that was ordered (its unordered answers disagreed) with the service's
     * read-only function, at its place in the batch: it sees the writes ordered before it.
     */
    byte[] runOrderedQuery(SqlService service, byte[] operation, ServiceContext context) throws SQLException {
        requireTransaction();
        sqlite.clock().set(context.timeMillis(), context.randomSeed());
        SqlStateMachine.executeAll(connection, "SAVEPOINT " + SAVEPOINT);
        try {
            byte[] result = sqlite.runCounted(() -> service.query(operation, readOnlyConnection, context));
            requireWithinBudget();
            return requireReplyFits(result);
        } catch (SQLException | RuntimeException e) {
            return errorReply(e);
        } finally {
            rollBackRequest();
        }
    }

    /** The request's budget is used up even if the service caught the error and carried on. */
    private void requireWithinBudget() throws SQLException {
        if (requestBudget.isExceeded()) {
            throw requestBudget.exception();
        }
    }

    private byte[] requireReplyFits(byte[] result) throws SQLException {
        byte[] reply = result == null ? new byte[0] : result;
        if (reply.length > budget.replyBytesMax()) {
            throw new SQLException(replyTooLong(reply.length));
        }
        return reply;
    }

    private String replyTooLong(int bytes) {
        return "the reply of " + bytes + " bytes exceeds the reply limit of " + budget.replyBytesMax() + " bytes";
    }

    /** {@code result}, or an error in its place if it is too long for the reply cache. */
    byte[] fitReply(byte[] result) {
        return result.length <= budget.replyBytesMax() ? result
                : SqlStateMachine.utf8("error: " + replyTooLong(result.length));
    }

    /**
     * Rolls the request's savepoint back. If SQLite stopped a statement that writes, it has rolled
     * back the whole transaction already and the savepoint is gone: the transaction is lost.
     */
    private void rollBackRequest() throws SQLException {
        try {
            SqlStateMachine.executeAll(connection, "ROLLBACK TO " + SAVEPOINT, "RELEASE " + SAVEPOINT);
        } catch (SQLException e) {
            if (!requestBudget.isExceeded()) {
                throw e;
            }
            transactionLost = true;
        }
    }

    /** Refuses to run anything in a transaction that SQLite rolled back under the batch's feet. */
    private void requireTransaction() throws SQLException {
        if (transactionLost) {
            throw requestBudget.exception();
        }
    }

    /**
     * Whether SQLite rolled back the batch's whole transaction because the budget stopped a
     * statement that writes; only {@link #restartBatch} runs anything after it.
     */
    boolean transactionLost() {
        return transactionLost;
    }

    /** The limit the current request went over, or {@code null}. */
    RequestBudget.Limit exceededLimit() {
        return requestBudget.exceeded();
    }

    /**
     * Begins the batch again after {@link #transactionLost()}: a new transaction at the state the
     * batch started from, and the sessions as they were then.
     */
    void restartBatch(Sessions sessions) throws SQLException {
        Check.that(transactionLost, "restarting a batch whose transaction is not lost");
        try (Statement s = connection.createStatement()) {
            s.execute("BEGIN"); // SQLite ended the transaction; sqlite-jdbc's rollback below needs one
        } catch (SQLException transactionActive) {
            // something began one since; the rollback below ends it
        }
        connection.rollback();
        transactionLost = false;
        sqlite.forgetSchema();
        SqlGuard.dropKeptStatements(serviceConnection); // the batch's statements start again from none, as everywhere
        loadSessions(sessions);
    }

    /**
     * Lets the service prepare for the batch's writes ({@link SqlService#prepareBatch}) on the state
     * as the batch found it, read-only and uncounted; a failure is logged and changes nothing.
     */
    void prepareBatch(SqlService service, List<byte[]> operations) {
        try {
            service.prepareBatch(operations, preparingConnection);
        } catch (SQLException | RuntimeException e) {
            LOG.warn("{} could not prepare a batch of {} writes (they run unprepared): {}",
                    service.getClass().getSimpleName(), operations.size(), e.toString());
        }
    }

    /** The reply to a failed request: {@code error: } and what {@link #errorMessage} says. */
    private byte[] errorReply(Exception e) {
        return SqlStateMachine.utf8("error: " + errorMessage(e));
    }

    /** Why a request failed: the limit it exceeded, if it exceeded one, else the error's own message. */
    private String errorMessage(Exception e) {
        if (requestBudget.isExceeded()) {
            return requestBudget.exception().getMessage();
        }
        if (resultCode(e) == SQLiteErrorCode.SQLITE_TOOBIG) {
            return "request exceeded the length limit of " + budget.lengthBytes() + " bytes per string, blob or row, "
                    + "or " + SqliteLimits.SQL_LENGTH_BYTES_MAX + " bytes per statement (" + e.getMessage() + ")";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** The SQLite result code of the first SQLite error among {@code e} and its causes, or null. */
    private static SQLiteErrorCode resultCode(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLiteException sqlite) {
                return sqlite.getResultCode();
            }
        }
        return null;
    }

    void cacheReply(long clientId, CachedReply reply) throws SQLException {
        upsertReply.setLong(1, clientId);
        upsertReply.setLong(2, reply.seq());
        upsertReply.setLong(3, reply.requestNumber());
        upsertReply.setInt(4, reply.status().ordinal());
        upsertReply.setBytes(5, reply.result());
        upsertReply.executeUpdate();
    }

    /** Drops the exactly-once entries of ended sessions and answered Joins. */
    void forgetClients(List<Long> clientIds) throws SQLException {
        try (PreparedStatement p = connection.prepareStatement("DELETE FROM bastion_replies WHERE client_id = ?")) {
            for (long id : clientIds) {
                p.setLong(1, id);
                p.executeUpdate();
            }
        }
    }

    /** Writes what a request changed in the session table, in the batch's transaction. */
    void applySessionChanges(Sessions.Changes changes) throws SQLException {
        for (long id : changes.removed()) {
            deleteSession.setLong(1, id);
            deleteSession.executeUpdate(); // rows referencing it ON DELETE CASCADE go too
        }
        for (Session s : changes.upserted()) {
            upsertSession.setLong(1, s.clientId());
            upsertSession.setString(2, s.identity());
            upsertSession.setInt(3, s.key().algorithm().ordinal());
            upsertSession.setBytes(4, s.key().rawUnsafe());
            upsertSession.setLong(5, s.joinedMillis());
            upsertSession.setLong(6, s.lastActiveMillis());
            upsertSession.executeUpdate();
        }
        for (Digest gone : changes.joinsRemoved()) {
            deleteJoin.setBytes(1, gone.toBytes());
            deleteJoin.executeUpdate();
        }
        for (Sessions.UsedJoin used : changes.joinsAdded()) {
            insertJoin.setBytes(1, used.joinKey().toBytes());
            insertJoin.setLong(2, used.clientId());
            insertJoin.setLong(3, used.expiresMillis());
            insertJoin.executeUpdate();
        }
        if (!changes.upserted().isEmpty()) {
            updateNextClientId.setLong(1, changes.nextClientId());
            updateNextClientId.executeUpdate();
        }
    }

    /** Loads the stored session table into {@code sessions}. */
    void loadSessions(Sessions sessions) throws SQLException {
        List<Session> live = new ArrayList<>();
        List<Sessions.UsedJoin> joins = new ArrayList<>();
        long next;
        try (Statement s = connection.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT client_id, identity, key_algorithm, key, joined_at, last_active"
                    + " FROM bastion_sessions ORDER BY client_id")) {
                while (rs.next()) {
                    live.add(new Session(rs.getLong(1), rs.getString(2), new PublicKeyRef(
                            PublicKeyRef.Algorithm.values()[rs.getInt(3)], rs.getBytes(4)), rs.getLong(5), rs.getLong(6)));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT join_key, client_id, expires_at FROM bastion_joins")) {
                while (rs.next()) {
                    joins.add(new Sessions.UsedJoin(Digest.of(rs.getBytes(1)), rs.getLong(2), rs.getLong(3)));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT next_client_id FROM bastion_position")) {
                rs.next();
                next = rs.getLong(1);
            }
        }
        connection.rollback();
        sessions.load(live, joins, next);
    }

    /** The service's verdict on a Join's credentials, on the read-only connection, within the request's budget. */
    Authorization authorize(SqlService service, JoinRequest join, ServiceContext context) throws SQLException {
        requireTransaction();
        try {
            Authorization authorization = sqlite.runCounted(
                    () -> service.authorize(join.credentials(), join.key(), readOnlyConnection, context));
            requireWithinBudget();
            return authorization;
        } catch (SQLException | RuntimeException e) {
            throw new SQLException(errorMessage(e), e);
        }
    }

    /**
     * Tells the service a Join opened a session, in a savepoint and within the request's budget: if
     * it throws or goes over the budget, its changes are undone alone.
     */
    void sessionStarted(SqlService service, Session session, JoinRequest join, ServiceContext context)
            throws SQLException {
        inSavepoint(() -> service.sessionStarted(session.clientId(), session.identity(), join.credentials(),
                join.key(), serviceConnection, context));
    }

    /**
     * Tells the service a session ended, in a savepoint and within the request's budget: if it
     * throws or goes over the budget, its changes are undone alone.
     */
    void sessionEnded(SqlService service, Session session, ServiceContext context) throws SQLException {
        inSavepoint(() -> service.sessionEnded(session.clientId(), session.identity(), serviceConnection, context));
    }

    /** A call into the service for a session hook. */
    private interface SessionCall {
        void run() throws SQLException;
    }

    private void inSavepoint(SessionCall call) throws SQLException {
        requireTransaction();
        SqlStateMachine.executeAll(connection, "SAVEPOINT " + SAVEPOINT);
        try {
            sqlite.runCounted(() -> {
                call.run();
                return null;
            });
            requireWithinBudget();
            SqlStateMachine.executeAll(connection, "RELEASE " + SAVEPOINT);
        } catch (SQLException | RuntimeException e) {
            rollBackRequest();
            throw e;
        }
    }

    /**
     * Records the batch's position and commits the whole batch (durably in {@link Mode#DURABLE});
     * then the connection forgets the schema it holds, so that the next batch starts from the
     * schema as it is in the file, as on a replica that has just opened it, and the service's
     * connection its kept statements, which a replica that has just opened it does not have
     * ({@link SqlGuard#dropKeptStatements}).
     */
    void commitBatch(long seq, long agreedTime) throws SQLException {
        updatePosition.setLong(1, seq);
        updatePosition.setLong(2, agreedTime);
        updatePosition.executeUpdate();
        connection.commit();
        lastSeq = seq;
        lastAgreedTime = agreedTime;
        sqlite.forgetSchema();
        SqlGuard.dropKeptStatements(serviceConnection);
    }

    /** A client's cached reply as committed, outside any batch. */
    CachedReply cachedReply(long clientId) throws SQLException {
        CachedReply reply = lastReplyInBatch(clientId);
        connection.rollback();
        return reply;
    }

    /** A client's cached reply as the batch in progress sees it (no transaction boundary). */
    CachedReply lastReplyInBatch(long clientId) throws SQLException {
        selectReply.setLong(1, clientId);
        try (ResultSet rs = selectReply.executeQuery()) {
            return rs.next() ? new CachedReply(rs.getLong(1), rs.getLong(2), Reply.Status.values()[rs.getInt(3)],
                    rs.getBytes(4)) : null;
        }
    }

    /** Registered clients' last request numbers; sessions keep theirs in the state machine's hands. */
    Map<Long, Long> clientTable() throws SQLException {
        Map<Long, Long> table = new HashMap<>();
        try (PreparedStatement p = connection.prepareStatement("SELECT client_id, request_number FROM bastion_replies"
                + " WHERE client_id > 0 AND client_id < " + SessionSettings.FIRST_DYNAMIC_CLIENT_ID);
             ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
                table.put(rs.getLong(1), rs.getLong(2));
            }
        }
        connection.rollback();
        return table;
    }

    /**
     * Runs a read-only request on the current state, within a request's budget; it can change
     * nothing (refused, then rolled back).
     */
    byte[] runQuery(SqlService service, byte[] operation, ServiceContext context) {
        try {
            startRequest(context, null);
            byte[] result = sqlite.runCounted(() -> service.query(operation, readOnlyConnection, context));
            requireWithinBudget();
            return requireReplyFits(result);
        } catch (SQLException | RuntimeException e) {
            return errorReply(e);
        } finally {
            try {
                connection.rollback();
            } catch (SQLException e) {
                LOG.warn("cannot end a read-only query on {}: {}", file, e.toString());
            }
        }
    }

    Connection connection() {
        return connection;
    }

    /** The database's page count, the write-ahead log included (outside a batch). */
    int pageCount() throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("PRAGMA main.page_count")) {
            rs.next();
            int pages = rs.getInt(1);
            connection.rollback();
            return pages;
        }
    }

    /** See {@link SqliteDatabase#foldLog}: outside a batch only. */
    void foldLog() throws SQLException {
        sqlite.foldLog();
    }

    /** The write-ahead log of {@code file}. */
    static Path writeAheadLog(Path file) {
        return SqliteDatabase.writeAheadLog(file);
    }

    static void forceFile(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    static void forceDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            LOG.debug("cannot sync directory {}: {}", directory, e.toString()); // not supported everywhere
        }
    }

    @Override
    public void close() {
        try {
            sqlite.close();
        } catch (SQLException e) {
            LOG.warn("closing {}: {}", file, e.toString());
        }
    }
}
