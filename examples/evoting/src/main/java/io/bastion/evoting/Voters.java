package io.bastion.evoting;

import io.bastion.evoting.ballot.Credential;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.regex.Pattern;

/**
 * The accounts: voter id, display name, role, the enrollment public key the admin registered, and
 * the credential (the voter's ECDSA P-256 public key) once they enrolled. Only public keys: no
 * secret of a voter is ever stored, or seen.
 */
final class Voters {
    /** Most accounts the table holds. */
    static final int VOTERS_MAX = 100_000;
    static final int NAME_CHARS_MAX = 100;
    /** A voter id: lowercase letters, digits, '.', '_' and '-', 1..64 characters. It is also the session identity. */
    static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    /**
     * An account, as the operations see it.
     *
     * @param enrollmentKey the public key whose private half the voter's enrollment code gives
     * @param credential    the voter's enrolled credential, or null before they enroll
     */
    record Voter(String id, String name, Role role, Credential enrollmentKey, Credential credential) {
        boolean enrolled() {
            return credential != null;
        }
    }

    private Voters() {}

    /** Adds an account that has still to enroll, or refuses a malformed id, a taken id or a full table. */
    static void register(Connection c, String id, String name, Role role, Credential enrollmentKey)
            throws SQLException {
        if (!ID.matcher(id).matches()) {
            throw new Refusal("a voter id has 1..64 lowercase letters, digits, '.', '_' or '-', starting with a"
                    + " letter or digit: \"" + id + "\" does not");
        }
        if (find(c, id) != null) {
            throw new Refusal("voter " + id + " already exists");
        }
        if (count(c) >= VOTERS_MAX) {
            throw new Refusal("the voter table is full (" + VOTERS_MAX + " accounts)");
        }
        try (PreparedStatement p = c.prepareStatement(
                "INSERT INTO voter (id, name, role, enrollment_key) VALUES (?, ?, ?, ?)")) {
            p.setString(1, id);
            p.setString(2, name);
            p.setString(3, role.label());
            p.setBytes(4, enrollmentKey.bytes());
            p.executeUpdate();
        }
    }

    /** The account {@code id}, or null. */
    static Voter find(Connection c, String id) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "SELECT name, role, enrollment_key, credential FROM voter WHERE id = ?")) {
            p.setString(1, id);
            try (ResultSet rs = p.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                byte[] credential = rs.getBytes(4);
                return new Voter(id, rs.getString(1), Role.parse(rs.getString(2)), Credential.decode(rs.getBytes(3)),
                        credential == null ? null : Credential.decode(credential));
            }
        }
    }

    /** The voter whose credential is {@code credential}, or null. */
    static String holderOf(Connection c, Credential credential) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT id FROM voter WHERE credential = ?")) {
            p.setBytes(1, credential.bytes());
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** Records {@code credential} as the voter's, if they have none yet; whether it was recorded. */
    static boolean enroll(Connection c, String id, Credential credential, long nowMillis) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "UPDATE voter SET credential = ?, enrolled_at = ? WHERE id = ? AND credential IS NULL")) {
            p.setBytes(1, credential.bytes());
            p.setLong(2, nowMillis);
            p.setString(3, id);
            return p.executeUpdate() == 1;
        }
    }

    /** Forgets the voter's credential and registers a new enrollment key: they enroll again, with a new code. */
    static void reset(Connection c, String id, Credential enrollmentKey) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "UPDATE voter SET enrollment_key = ?, credential = ?, enrolled_at = ? WHERE id = ?")) {
            p.setBytes(1, enrollmentKey.bytes());
            p.setNull(2, Types.BLOB);
            p.setNull(3, Types.INTEGER);
            p.setString(4, id);
            p.executeUpdate();
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
