package io.bastion.sql;

import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.service.Authorization;
import io.bastion.core.service.ServiceContext;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A small bank for tests: {@code open <name>}, {@code deposit <name> <amount>}, {@code balance <name>},
 * {@code stamp <name>} (records current_timestamp and random()), {@code fail} (an SQL error after a write).
 * Dynamic clients join with their name as credentials ("nobody" is refused); {@code note <text>}
 * keeps a note for the session, deleted with it; {@code whoami} answers the session's identity and
 * its notes. Every session a Join opens is recorded in {@code login}, a row that goes with the
 * session (but a "clumsy" one's record fails half-way).
 */
final class AccountsService implements SqlService {
    @Override
    public void migrate(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE account (name TEXT PRIMARY KEY, balance INTEGER NOT NULL DEFAULT 0,"
                    + " opened TEXT DEFAULT CURRENT_TIMESTAMP)");
            s.execute("CREATE TABLE stamp (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT, at TEXT, r INTEGER)");
            s.execute("CREATE TABLE note (client_id INTEGER NOT NULL REFERENCES bastion_sessions (client_id)"
                    + " ON DELETE CASCADE, text TEXT NOT NULL)");
            s.execute("CREATE TABLE login (client_id INTEGER NOT NULL REFERENCES bastion_sessions (client_id)"
                    + " ON DELETE CASCADE, identity TEXT NOT NULL, credentials BLOB NOT NULL, key BLOB NOT NULL)");
        }
    }

    @Override
    public void sessionStarted(long clientId, String identity, byte[] credentials, PublicKeyRef key, Connection c,
                               ServiceContext context) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "INSERT INTO login (client_id, identity, credentials, key) VALUES (?, ?, ?, ?)")) {
            p.setLong(1, clientId);
            p.setString(2, identity);
            p.setBytes(3, credentials);
            p.setBytes(4, key.raw());
            p.executeUpdate();
        }
        if (identity.equals("clumsy")) {
            throw new SQLException("the login record failed half-way");
        }
    }

    @Override
    public Authorization authorize(byte[] credentials, PublicKeyRef key, Connection connection,
                                   ServiceContext context) {
        String name = new String(credentials, StandardCharsets.UTF_8);
        return name.equals("nobody") ? Authorization.refuse("no account for nobody") : Authorization.accept(name);
    }

    @Override
    public byte[] execute(byte[] request, Connection c, ServiceContext context) throws SQLException {
        String[] words = new String(request, StandardCharsets.UTF_8).split(" ");
        switch (words[0]) {
            case "open" -> update(c, "INSERT INTO account (name) VALUES (?)", words[1]);
            case "deposit" -> {
                try (PreparedStatement p = c.prepareStatement("UPDATE account SET balance = balance + ? WHERE name = ?")) {
                    p.setLong(1, Long.parseLong(words[2]));
                    p.setString(2, words[1]);
                    if (p.executeUpdate() != 1) {
                        throw new SQLException("no account " + words[1]);
                    }
                }
            }
            case "stamp" -> update(c, "INSERT INTO stamp (name, at, r) VALUES (?, current_timestamp, random())", words[1]);
            case "note" -> {
                try (PreparedStatement p = c.prepareStatement("INSERT INTO note (client_id, text) VALUES (?, ?)")) {
                    p.setLong(1, context.clientId());
                    p.setString(2, words[1]);
                    p.executeUpdate();
                }
            }
            case "whoami" -> {
                try (PreparedStatement p = c.prepareStatement("SELECT count(*) FROM note WHERE client_id = ?")) {
                    p.setLong(1, context.clientId());
                    try (ResultSet rs = p.executeQuery()) {
                        rs.next();
                        return (context.identity() + " " + rs.getLong(1)).getBytes(StandardCharsets.UTF_8);
                    }
                }
            }
            case "escape" -> update(c, "ATTACH DATABASE ? AS other", words[1]);
            case "fail" -> {
                update(c, "INSERT INTO account (name) VALUES (?)", "doomed");
                throw new SQLException("deliberate failure");
            }
            case "balance" -> {
                return query(request, c, context);
            }
            default -> throw new SQLException("unknown operation " + words[0]);
        }
        return "ok".getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] query(byte[] request, Connection c, ServiceContext context) throws SQLException {
        String[] words = new String(request, StandardCharsets.UTF_8).split(" ");
        if (words[0].equals("sneak")) { // a read that tries to write
            update(c, "UPDATE account SET balance = balance + 1000 WHERE name = ?", words[1]);
        }
        try (PreparedStatement p = c.prepareStatement("SELECT balance FROM account WHERE name = ?")) {
            p.setString(1, words[1]);
            try (ResultSet rs = p.executeQuery()) {
                return (rs.next() ? Long.toString(rs.getLong(1)) : "none").getBytes(StandardCharsets.UTF_8);
            }
        }
    }

    private static void update(Connection c, String sql, String value) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setString(1, value);
            p.executeUpdate();
        }
    }
}
