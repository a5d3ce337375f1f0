package io.bastion.sql;

import io.bastion.core.service.Authorization;
import io.bastion.core.session.JoinRequest;
import io.bastion.core.session.Session;
import io.bastion.core.session.SessionRequests;
import io.bastion.core.session.Sessions;

import io.bastion.core.crypto.Digest;
import io.bastion.core.crypto.Signer;
import io.bastion.core.execution.CachedReply;
import io.bastion.core.execution.ExecutionRules;
import io.bastion.core.execution.ReplySigner;
import io.bastion.core.execution.StateMachine;
import io.bastion.core.message.Message;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.message.StateChunk;
import io.bastion.core.message.StateManifest;
import io.bastion.core.message.Envelope;
import io.bastion.core.replica.Execute;
import io.bastion.core.service.ServiceContext;
import io.bastion.core.util.Check;
import io.bastion.sql.determinism.RequestBudget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Replicated state kept in an SQLite database: the service's tables plus Bastion's own — every
 * client's last reply and the position (last sequence number, last agreed time) — so that a
 * batch's effects, its replies and the position commit in one transaction. Requests are answered
 * by the {@link ExecutionRules} every state machine follows; what the database adds:
 *
 * <ul>
 *   <li>One transaction per batch; each request runs in its own SAVEPOINT, so a request that
 *       throws is rolled back alone and its client gets {@code error: <the SQL error>}.</li>
 *   <li>Each request runs within the service's {@link SqlBudget}; one that goes over it fails
 *       alike. If SQLite had to stop a statement that writes, it rolled back the whole batch: the
 *       batch is then applied again from its start, with that request failing at once — at every
 *       replica, and again when the batch is replayed after a restart.</li>
 *   <li>The commit is durable (WAL mode, synchronous=FULL) before the replies leave; a crash
 *       between execution and reply neither loses nor repeats a request (the reply is in the cache).</li>
 *   <li>At checkpoints the write-ahead log is folded into the file, and the file is then the
 *       checkpoint: the Merkle root of its pages is the state digest, updated from the pages that
 *       changed only, and peers fetch its pages for state transfer ({@link CheckpointStore}).
 *       Installing a transferred state builds the new file beside the old one and renames it over
 *       it: a crash leaves the old or the new database, never a mix.</li>
 * </ul>
 *
 * Durable by itself: after a restart the database says where the state stands. Owned by one
 * thread (the replica's executor).
 */
public final class SqlStateMachine implements StateMachine {
    private static final Logger LOG = LoggerFactory.getLogger(SqlStateMachine.class);

    /** Checkpoints kept for peers that fetch state. */
    public static final int CHECKPOINTS_KEPT = CheckpointStore.CHECKPOINTS_KEPT;
    static final String DATABASE = "state.db";

    private final int replicaId;
    private final SqlService service;
    private final Path directory;
    private final SqlDatabase.Mode mode;
    private final int checkpointInterval;
    private final SessionRequests sessions;
    private final ExecutionRules rules;
    private SqlDatabase database;
    private CheckpointStore checkpoints;
    private boolean closed;

    /**
     * Refuses a cluster whose state chunks are smaller than a database page: an SQL state machine
     * serves its state for transfer page by page, and a replica refuses a chunk larger than
     * {@code stateChunkBytes}, so such a cluster could never finish a state transfer.
     */
    public static void requireChunkBytes(int stateChunkBytes) {
        if (stateChunkBytes < SqlDatabase.PAGE_BYTES) {
            throw new IllegalArgumentException("an SQL service transfers its state in " + SqlDatabase.PAGE_BYTES
                    + "-byte database pages: [protocol] stateChunkBytes must be at least " + SqlDatabase.PAGE_BYTES
                    + ", the cluster file sets " + stateChunkBytes);
        }
    }

    /**
     * Opens (or creates, running {@link SqlService#migrate}) the database in {@code directory}.
     *
     * @param mode {@link SqlDatabase.Mode#DURABLE}, or NO_ACID for measurements only
     */
    public SqlStateMachine(int replicaId, Signer signer, SqlService service, Path directory, SqlDatabase.Mode mode,
                           int checkpointInterval, SessionRequests sessions) {
        this.replicaId = replicaId;
        this.service = service;
        this.directory = directory;
        this.mode = mode;
        this.checkpointInterval = checkpointInterval;
        this.sessions = sessions;
        this.rules = new ExecutionRules(new ReplySigner(replicaId, signer), sessions, new SessionRequests.Hooks() {
            @Override
            public Authorization authorize(JoinRequest join, ServiceContext context) throws SQLException {
                return database.authorize(service, join, context);
            }

            @Override
            public void sessionStarted(Session session, JoinRequest join, ServiceContext context) throws SQLException {
                if (database.transactionLost()) {
                    return; // an ended session's hook went over its budget: the batch starts again without this Join
                }
                // the session's row first: the service's rows may reference it (ON DELETE CASCADE)
                database.applySessionChanges(SqlStateMachine.this.sessions.sessions().drainChanges());
                database.sessionStarted(service, session, join, context);
            }

            @Override
            public void sessionEnded(Session session, Sessions.EndReason reason, ServiceContext context)
                    throws SQLException {
                database.sessionEnded(service, session, context);
            }
        });
        try {
            Files.createDirectories(directory);
            database = SqlDatabase.open(directory.resolve(DATABASE), mode, service);
            database.loadSessions(sessions.sessions());
            checkpoints = CheckpointStore.open(directory, directory.resolve(DATABASE), SqlDatabase.PAGE_BYTES,
                    mode == SqlDatabase.Mode.DURABLE, checkpointInterval);
        } catch (IOException e) {
            closeQuietly();
            throw new UncheckedIOException("cannot open the database in " + directory, e);
        } catch (SQLException e) {
            closeQuietly();
            throw new IllegalStateException("cannot read the session table in " + directory + ": " + e, e);
        } catch (RuntimeException e) {
            closeQuietly();
            throw e;
        }
    }

    private void closeQuietly() {
        if (database != null) {
            database.close();
        }
    }

    /**
     * Creates the database a replica of {@code service} creates on its first start in
     * {@code directory} (Bastion's tables, then {@link SqlService#migrate}), and closes it; returns
     * its file. For tools that prepare one database and copy it to every replica, such as the
     * benchmarks' preloaded states (they fill it through {@link io.bastion.sql.determinism.SqliteSettings#open}).
     */
    public static Path createDatabase(Path directory, SqlService service) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + directory, e);
        }
        Path file = directory.resolve(DATABASE);
        SqlDatabase.open(file, SqlDatabase.Mode.DURABLE, service).close();
        return file;
    }

    // ------------------------------------------------------------------ execution

    @Override
    public Result execute(Execute batch) {
        Map<Integer, RequestBudget.Limit> overBudget = new TreeMap<>();
        while (true) {
            try {
                ExecutionRules.Applied applied = apply(batch, overBudget);
                Digest digest = batch.checkpoint() ? takeCheckpoint(batch.seq()) : null;
                return rules.result(applied, digest);
            } catch (TransactionLost lost) {
                // the same at every replica: SQLite stopped the same statement of the same request
                Check.that(overBudget.put(lost.position, lost.limit) == null,
                        "request %d of batch %d lost the transaction twice", lost.position, batch.seq());
                LOG.info("batch {}: request {} went over its {} budget in a statement that writes, and SQLite rolled "
                        + "back the batch; applying it again without that request", batch.seq(), lost.position, lost.limit);
                restartBatch(batch);
            }
        }
    }

    /**
     * SQLite rolled back the batch's whole transaction: it stopped a statement that writes when the
     * request at {@code position} (in the batch's request list) went over its budget.
     */
    private static final class TransactionLost extends RuntimeException {
        final int position;
        final RequestBudget.Limit limit;

        TransactionLost(int position, RequestBudget.Limit limit) {
            super(null, null, false, false);
            this.position = position;
            this.limit = limit;
        }
    }

    /**
     * Applies the batch in one transaction and commits it. The requests at the {@code overBudget}
     * positions went over their budget in an earlier attempt that SQLite rolled back as a whole;
     * they fail at once this time. Throws {@link TransactionLost} if another one does so now.
     */
    private ExecutionRules.Applied apply(Execute batch, Map<Integer, RequestBudget.Limit> overBudget) {
        try {
            if (overBudget.isEmpty()) { // the first attempt: what the service prepares serves a later one too
                database.prepareBatch(service, writes(batch));
            }
            ExecutionRules.Applied applied = rules.apply(batch, database.lastSeq(), new InTransaction(overBudget));
            database.commitBatch(batch.seq(), batch.timeMillis());
            return applied;
        } catch (SQLException e) {
            throw new IllegalStateException("batch " + batch.seq() + " could not be applied to the database: " + e, e);
        }
    }

    private static List<byte[]> writes(Execute batch) {
        List<byte[]> operations = new ArrayList<>(batch.requests().size());
        for (var request : batch.requests()) {
            if (request.message().kind() == Request.Kind.WRITE) {
                operations.add(request.message().operationUnsafe());
            }
        }
        return operations;
    }

    /**
     * The service, the reply cache and the session table as the rules run them: in the batch's
     * transaction, each request within its budget and its own savepoint.
     */
    private final class InTransaction implements ExecutionRules.Steps<SQLException> {
        private final Map<Integer, RequestBudget.Limit> overBudget;
        private int position = -1;

        InTransaction(Map<Integer, RequestBudget.Limit> overBudget) {
            this.overBudget = overBudget;
        }

        @Override
        public CachedReply lastReply(long clientId) throws SQLException {
            return database.lastReplyInBatch(clientId);
        }

        @Override
        public void begin(int position, ServiceContext context) throws SQLException {
            this.position = position;
            database.startRequest(context, overBudget.get(position));
        }

        @Override
        public void sessionsChanged(Sessions.Changes changes) throws SQLException {
            requireTransaction();
            database.applySessionChanges(changes);
        }

        @Override
        public byte[] execute(Request r, ServiceContext context) throws SQLException {
            return database.runRequest(service, r.operationUnsafe(), context);
        }

        @Override
        public byte[] orderedRead(Request r, ServiceContext context) throws SQLException {
            return database.runOrderedQuery(service, r.operationUnsafe(), context);
        }

        @Override
        public byte[] fit(byte[] answer) {
            return database.fitReply(answer);
        }

        @Override
        public void cache(long clientId, CachedReply reply) throws SQLException {
            requireTransaction();
            database.cacheReply(clientId, reply);
        }

        @Override
        public void forget(List<Long> clientIds) throws SQLException {
            database.forgetClients(clientIds);
        }

        private void requireTransaction() {
            if (database.transactionLost()) {
                throw new TransactionLost(position, database.exceededLimit());
            }
        }
    }

    /** A new transaction at the state the batch started from, and the sessions as they were then. */
    private void restartBatch(Execute batch) {
        try {
            database.restartBatch(sessions.sessions());
        } catch (SQLException e) {
            throw new IllegalStateException("batch " + batch.seq() + " could not be begun again: " + e, e);
        }
    }

    /**
     * Folds the committed batches into the file, which is then checkpoint {@code seq}: the image
     * peers fetch; returns its digest, the one everyone agrees on.
     */
    private Digest takeCheckpoint(long seq) {
        return fold(seq);
    }

    /** Folds the write-ahead log into the file ({@link CheckpointStore#fold}); a checkpoint if {@code seq >= 0}. */
    private Digest fold(long seq) {
        try {
            return checkpoints.fold(seq, database.pageCount(), database::foldLog);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the page count of the database in " + directory + ": " + e, e);
        }
    }

    @Override
    public Reply cachedReply(long clientId, long requestNumber, int view) {
        try {
            return rules.cachedReply(clientId, requestNumber, database.cachedReply(clientId), view);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the reply cache: " + e, e);
        }
    }

    @Override
    public Reply query(Envelope<Request> request, int view) {
        return rules.query(request, view, database.lastAgreedTime(),
                (r, context) -> database.runQuery(service, r.operationUnsafe(), context));
    }

    @Override
    public Reply repeatJoin(Envelope<Request> join, int view) {
        return rules.repeatJoin(join, view);
    }

    @Override
    public List<Session> liveSessions() {
        return rules.liveSessions();
    }

    // ------------------------------------------------------------------ position and recovery

    @Override
    public Position position() {
        long seq = database.lastSeq();
        Digest digest = null;
        if (seq > 0 && seq % checkpointInterval == 0) {
            digest = checkpoints.root(seq);
            if (digest == null) {
                digest = takeCheckpoint(seq); // a crash came between the batch's commit and its checkpoint
            }
        }
        try {
            return new Position(seq, digest, database.clientTable(), database.lastAgreedTime());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the reply cache: " + e, e);
        }
    }

    @Override
    public boolean selfDurable() {
        return true;
    }

    @Override
    public byte[] checkpointBytes(long seq) {
        throw new UnsupportedOperationException("the database is durable by itself");
    }

    @Override
    public void restore(long seq, byte[] bytes) {
        throw new UnsupportedOperationException("the database is durable by itself");
    }

    // ------------------------------------------------------------------ state transfer

    @Override
    public List<Message> serve(long seq, List<Integer> chunks) {
        if (chunks.isEmpty()) {
            List<Digest> leaves = checkpoints.leaves(seq);
            return leaves == null ? List.of() : List.of(new StateManifest(replicaId, seq, leaves));
        }
        int pages = checkpoints.pageCountOf(seq);
        List<Message> out = new ArrayList<>();
        for (int index : chunks) {
            if (index >= 0 && index < pages) {
                out.add(new StateChunk(replicaId, seq, index, checkpoints.page(seq, index)));
            }
        }
        return out;
    }

    @Override
    public List<Integer> missingChunks(List<Digest> leaves) {
        return StateMachine.missingFrom(leaves, checkpoints.localPages()::containsKey);
    }

    @Override
    public Installed install(long seq, List<Digest> leaves, Map<Integer, byte[]> fetched) {
        checkpoints.install(seq, leaves, fetched, new CheckpointStore.Replacement() {
            @Override
            public void closeDatabase() {
                database.close();
            }

            @Override
            public void openDatabase() {
                database = SqlDatabase.open(directory.resolve(DATABASE), mode, service);
            }
        });
        Check.that(database.lastSeq() == seq, "transferred database is at %d, not %d", database.lastSeq(), seq);
        try {
            database.loadSessions(sessions.sessions());
            return new Installed(seq, database.clientTable(), database.lastAgreedTime());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the installed reply cache: " + e, e);
        }
    }

    /**
     * The database file, with every committed batch folded into it (the executor must be idle): for
     * tests and tools that read the file. Folding between checkpoints is safe at any time.
     */
    public Path databaseFile() {
        fold(-1);
        return directory.resolve(DATABASE);
    }

    /** Waits until the whole checkpoint copies for backups ({@code checkpoint-<seq>.db}) are written. */
    void awaitCheckpointCopies() throws InterruptedException {
        checkpoints.awaitExports();
    }

    /** The store of checkpoints, for tests. */
    CheckpointStore checkpointStore() {
        return checkpoints;
    }

    /** The database, for tests (the executor must be idle). */
    SqlDatabase database() {
        return database;
    }

    /** A connection for reading the state in tests and tools (the executor must be idle). */
    public Connection connectionForReading() {
        return database.connection();
    }

    /** Folds the write-ahead log into the file (so that SQLite does not, unseen, as it closes) and closes. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            fold(-1);
        } finally {
            try {
                database.close();
            } finally {
                checkpoints.close();
            }
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static void executeAll(Connection c, String... statements) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    static long readLong(PreparedStatement p) throws SQLException {
        try (ResultSet rs = p.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }
}
