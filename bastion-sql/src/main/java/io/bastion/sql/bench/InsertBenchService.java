package io.bastion.sql.bench;

import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.service.Authorization;
import io.bastion.core.service.NullService;
import io.bastion.core.service.ServiceContext;
import io.bastion.sql.SqlService;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;

/**
 * The SQL benchmark's workload, as in the 2011 study: every request inserts one row — a unique
 * key, the request's value, the agreed timestamp and a random value — and answers with a reply of
 * the size it asks for. The operation is laid out as {@link NullService#operation}: a 4-byte reply
 * size, then the value. The read-only request {@code count} answers the number of rows, in decimal.
 * Anyone may join, as with the null service, so that the benchmark can compare registered with
 * dynamic clients.
 */
public final class InsertBenchService implements SqlService {
    /** The read-only request that counts the rows. */
    public static final String COUNT = "count";

    @Override
    public void migrate(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE bench (k TEXT PRIMARY KEY, v BLOB NOT NULL, at TEXT NOT NULL, r INTEGER NOT NULL)");
        }
    }

    @Override
    public byte[] execute(byte[] request, Connection connection, ServiceContext context) throws SQLException {
        try (PreparedStatement p = connection.prepareStatement(
                "INSERT INTO bench (k, v, at, r) VALUES (?, ?, current_timestamp, random())")) {
            p.setString(1, context.clientId() + ":" + context.requestNumber());
            p.setBytes(2, request.length > 4 ? Arrays.copyOfRange(request, 4, request.length) : new byte[0]);
            p.executeUpdate();
        }
        int replyBytes = request.length >= 4 ? ByteBuffer.wrap(request).getInt() : 0;
        return new byte[Math.max(0, Math.min(replyBytes, NullService.REPLY_BYTES_MAX))];
    }

    /** Anyone may join; the credentials name the identity (one live session each), as with the null service. */
    @Override
    public Authorization authorize(byte[] credentials, PublicKeyRef key, Connection connection, ServiceContext context) {
        return Authorization.credentialsAsIdentity(credentials);
    }

    @Override
    public byte[] query(byte[] request, Connection connection, ServiceContext context) throws SQLException {
        if (!new String(request, StandardCharsets.UTF_8).equals(COUNT)) {
            throw new SQLException("the only read-only request is " + COUNT);
        }
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM bench")) {
            rs.next();
            return Long.toString(rs.getLong(1)).getBytes(StandardCharsets.UTF_8);
        }
    }
}
