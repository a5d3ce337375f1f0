package io.bastion.evoting;

import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.regex.Pattern;

/**
 * The accounts: voter id, display name, role, and the salted SHA-256 of the secret ({@link
 * Hashes#secret}); the secret itself is never stored.
 */
final class Voters {
    /** Most accounts the table holds. */
    static final int VOTERS_MAX = 100_000;
    static final int NAME_CHARS_MAX = 100;
    static final int SECRET_CHARS_MIN = 8;
    static final int SECRET_CHARS_MAX = 256;
    /** A voter id: lowercase letters, digits, '.', '_' and '-', 1..64 characters. It is also the session identity. */
    static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    /** An account, as the operations see it. */
    record Voter(String id, String name, Role role) {}

    private Voters() {}

    /** Adds an account, or refuses a malformed id, a weak secret, a taken id or a full table. */
    static void register(Connection c, String id, String name, String secret, Role role) throws SQLException {
        if (!ID.matcher(id).matches()) {
            throw new Refusal("a voter id has 1..64 lowercase letters, digits, '.', '_' or '-', starting with a"
                    + " letter or digit: \"" + id + "\" does not");
        }
        if (secret.length() < SECRET_CHARS_MIN || secret.length() > SECRET_CHARS_MAX) {
            throw new Refusal("a secret has " + SECRET_CHARS_MIN + ".." + SECRET_CHARS_MAX + " characters");
        }
        if (find(c, id) != null) {
            throw new Refusal("voter " + id + " already exists");
        }
        if (count(c) >= VOTERS_MAX) {
            throw new Refusal("the voter table is full (" + VOTERS_MAX + " accounts)");
        }
        try (PreparedStatement p = c.prepareStatement(
                "INSERT INTO voter (id, name, secret_sha256, role) VALUES (?, ?, ?, ?)")) {
            p.setString(1, id);
            p.setString(2, name);
            p.setBytes(3, Hashes.secret(id, secret));
            p.setString(4, role.label());
            p.executeUpdate();
        }
    }

    /** The account {@code id}, or null. */
    static Voter find(Connection c, String id) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT name, role FROM voter WHERE id = ?")) {
            p.setString(1, id);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? new Voter(id, rs.getString(1), Role.parse(rs.getString(2))) : null;
            }
        }
    }

    /** Whether {@code secret} is the secret of account {@code id}; false for an unknown id. */
    static boolean secretMatches(Connection c, String id, String secret) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT secret_sha256 FROM voter WHERE id = ?")) {
            p.setString(1, id);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() && MessageDigest.isEqual(rs.getBytes(1), Hashes.secret(id, secret));
            }
        }
    }

    private static long count(Connection c) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT count(*) FROM voter");
             ResultSet rs = p.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
