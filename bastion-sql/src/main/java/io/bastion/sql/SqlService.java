package io.bastion.sql;

import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.service.Authorization;
import io.bastion.core.service.ServiceContext;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * An application whose state is an SQLite database, replicated by Bastion. It gets a plain JDBC
 * {@link Connection}; Bastion owns the transactions: one per batch of ordered requests, a
 * savepoint per request (a request that throws is rolled back alone and its client gets the
 * error), and every reply leaves only after the batch committed durably.
 *
 * <p>Determinism is Bastion's job as far as SQL goes: {@code current_timestamp}, {@code random()}
 * and the other time and random functions read the batch's agreed time and seed; statements that
 * would escape the database or change its format (ATTACH, PRAGMA, VACUUM INTO, load_extension,
 * explicit transaction control) are refused with an {@link java.sql.SQLException}. The service
 * itself must read time and randomness only from the {@link ServiceContext} or from SQL.
 *
 * <p>Every request runs within a {@link SqlBudget}: its SQL may execute so many SQLite
 * instructions, make strings, blobs and rows so long and grow the database so much, the same at
 * every replica. A request over its budget is stopped, rolled back alone, and its client gets
 * {@code error: request exceeded …}.
 * What the service does in Java is not counted (Bastion cannot stop Java code the same way at
 * every replica): a loop or an allocation in Java must be bounded by the request's own size.
 *
 * <p>Calls come from one thread at a time.
 */
public interface SqlService {
    /** Creates the schema; runs once, in the transaction that creates the database. */
    void migrate(Connection connection) throws SQLException;

    /** Executes an ordered request and returns the reply bytes. */
    byte[] execute(byte[] request, Connection connection, ServiceContext context) throws SQLException;

    /**
     * Called before a batch's requests execute, with the operations of its writes in order (those
     * the engine will then skip, such as repeats, included): a chance to do work for many requests at
     * once that one request at a time would repeat, such as checking their proofs together. It must
     * not change what any request's execution gives: the connection is read-only and shows the state
     * as the batch found it, and what the method computes may only let {@link #execute} reach the
     * same result sooner (a memo of a pure function of the request's content, say: every replica
     * must get the same replies whether or not it ran this, and whatever its memo holds). Not
     * counted against any request's budget; an exception is logged and ignored. Nothing by default.
     */
    default void prepareBatch(java.util.List<byte[]> operations, Connection connection) throws SQLException {}

    /**
     * Decides whether a joining client's credentials are good and whose they are, on a read-only
     * connection (a voter list, say). The default refuses every dynamic client.
     */
    default Authorization authorize(byte[] credentials, PublicKeyRef key, Connection connection, ServiceContext context)
            throws SQLException {
        return Authorization.refuse(getClass().getSimpleName() + " accepts no dynamic clients");
    }

    /**
     * A Join that {@link #authorize} accepted opened session {@code clientId} as {@code identity}:
     * write what the Join brought (an enrolled key, say), which authorize, on its read-only
     * connection, cannot. Runs in the Join's transaction, in a savepoint and within its budget, after
     * the session's row is in {@code bastion_sessions} (rows may reference it); if it throws or goes
     * over the budget, its writes are undone alone and the session stays open. Nothing by default.
     */
    default void sessionStarted(long clientId, String identity, byte[] credentials, PublicKeyRef key,
                                Connection connection, ServiceContext context) throws SQLException {}

    /**
     * The session {@code clientId} ended: delete what the service keeps for it. Rows that reference
     * {@code bastion_sessions(client_id) ON DELETE CASCADE} go by themselves, in the same transaction.
     */
    default void sessionEnded(long clientId, String identity, Connection connection, ServiceContext context)
            throws SQLException {}

    /**
     * What each request may make SQLite do ({@link SqlBudget#DEFAULTS} unless overridden). Read once,
     * when the replica opens the database; every replica must return the same value.
     */
    default SqlBudget budget() {
        return SqlBudget.DEFAULTS;
    }

    /** Answers a read-only request on the current state, without ordering; must not write. */
    default byte[] query(byte[] request, Connection connection, ServiceContext context) throws SQLException {
        throw new SQLException(getClass().getSimpleName() + " has no read-only requests");
    }
}
