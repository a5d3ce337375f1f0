package io.bastion.cli;

import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.service.Authorization;
import io.bastion.core.service.ServiceContext;
import io.bastion.sql.SqlService;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * A test-only fault: the wrapped service answers unordered reads with wrong numbers (every digit
 * of the true answer turned into a 9), signed like any reply. It models a Byzantine replica that
 * lies to readers; its state and its ordered replies stay correct, so it keeps in step with the
 * others and only a client that counts signatures notices. Started by {@code bastion replica
 * --test-fault wrong-reads}, never by default.
 */
final class LyingReads implements SqlService {
    private final SqlService honest;

    LyingReads(SqlService honest) {
        this.honest = honest;
    }

    @Override
    public io.bastion.sql.SqlBudget budget() {
        return honest.budget();
    }

    @Override
    public void migrate(Connection connection) throws SQLException {
        honest.migrate(connection);
    }

    @Override
    public byte[] execute(byte[] request, Connection connection, ServiceContext context) throws SQLException {
        return honest.execute(request, connection, context);
    }

    @Override
    public void prepareBatch(java.util.List<byte[]> operations, Connection connection) throws SQLException {
        honest.prepareBatch(operations, connection);
    }

    @Override
    public byte[] query(byte[] request, Connection connection, ServiceContext context) throws SQLException {
        byte[] truth = honest.query(request, connection, context);
        if (context.seq() >= 0) {
            return truth; // an ordered read is part of the replicated state: lying there would only diverge
        }
        return new String(truth, StandardCharsets.UTF_8).replaceAll("[0-9]", "9").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Authorization authorize(byte[] credentials, PublicKeyRef key, Connection connection, ServiceContext context)
            throws SQLException {
        return honest.authorize(credentials, key, connection, context);
    }

    @Override
    public void sessionStarted(long clientId, String identity, byte[] credentials, PublicKeyRef key,
                               Connection connection, ServiceContext context) throws SQLException {
        honest.sessionStarted(clientId, identity, credentials, key, connection, context);
    }

    @Override
    public void sessionEnded(long clientId, String identity, Connection connection, ServiceContext context)
            throws SQLException {
        honest.sessionEnded(clientId, identity, connection, context);
    }
}
