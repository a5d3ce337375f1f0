package io.bastion.evoting;

import io.bastion.evoting.ballot.BallotJson;
import io.bastion.evoting.ballot.EncryptedBallot;
import io.bastion.threshold.ElGamal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The ballot box: every accepted ballot, encrypted, as its voter's device made it (docs/ballots.md),
 * with its tracker, credential, the agreed time it was cast and whether it counts. A voter's latest
 * ballot in an election is the counted one; a re-vote keeps the earlier ballots, marked not counted,
 * so that anyone can see a ballot was replaced (a unique index allows one counted ballot per voter
 * and election). Nothing here says what a ballot chose: only the threshold decryption of the sum of
 * the counted ballots, after the close, does.
 */
final class Ballots {
    /** Most ballots one voter may cast in one election, re-votes included. */
    static final int BALLOTS_PER_VOTER_MAX = 20;

    /**
     * One ballot of the box.
     *
     * @param number  its place in the election's box: 1, 2, … in the agreed order
     * @param tracker SHA-256 of its bytes, lowercase hex
     */
    record Ballot(long number, String tracker, byte[] credential, long castAtMillis, long seq, boolean counted) {}

    private Ballots() {}

    /**
     * Stores {@code ballot} (already verified for this election) as the voter's counted one, marking
     * their earlier one not counted, and updates the election's running sums ({@link CountedSums}) in
     * the same transaction; returns its number in the box and whether it replaced a ballot.
     */
    static Cast cast(Connection c, long electionId, String voterId, EncryptedBallot ballot, long castAtMillis, long seq)
            throws SQLException {
        long replacedRow = 0;
        String replacedJson = null;
        try (PreparedStatement p = c.prepareStatement(
                "SELECT id, ballot FROM ballot WHERE election_id = ? AND voter_id = ? AND counted = 1")) {
            p.setLong(1, electionId);
            p.setString(2, voterId);
            try (ResultSet rs = p.executeQuery()) {
                if (rs.next()) {
                    replacedRow = rs.getLong(1);
                    replacedJson = rs.getString(2);
                }
            }
        }
        List<ElGamal.Ciphertext> replaced = null;
        if (replacedJson != null) {
            uncount(c, replacedRow);
            replaced = BallotJson.ciphertexts(replacedJson); // verified when cast, stored as written then
        }
        long number = lastNumber(c, electionId) + 1;
        try (PreparedStatement p = c.prepareStatement("INSERT INTO ballot (election_id, number, voter_id, credential,"
                + " tracker, ballot, cast_at, cast_seq, counted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)")) {
            p.setLong(1, electionId);
            p.setLong(2, number);
            p.setString(3, voterId);
            p.setBytes(4, ballot.credential().bytes());
            p.setString(5, ballot.tracker().hex());
            p.setString(6, BallotJson.write(ballot));
            p.setLong(7, castAtMillis);
            p.setLong(8, seq);
            p.executeUpdate();
        }
        CountedSums.replace(c, electionId, ballot, replaced);
        return new Cast(number, replaced != null);
    }

    private static void uncount(Connection c, long rowId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE ballot SET counted = 0 WHERE id = ?")) {
            p.setLong(1, rowId);
            p.executeUpdate();
        }
    }

    /** What casting did: the ballot's number in the box, and whether it replaced the voter's earlier one. */
    record Cast(long number, boolean replaced) {}

    /** Whether a ballot with this tracker is in any box. */
    static boolean exists(Connection c, String tracker) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT 1 FROM ballot WHERE tracker = ?")) {
            p.setString(1, tracker);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The voter's ballots in the election, oldest first; the last one is the counted one. */
    static List<Ballot> of(Connection c, long electionId, String voterId) throws SQLException {
        return list(c, "SELECT number, tracker, credential, cast_at, cast_seq, counted FROM ballot"
                + " WHERE election_id = ? AND voter_id = ? ORDER BY number", p -> {
                    p.setLong(1, electionId);
                    p.setString(2, voterId);
                });
    }

    /** At most {@code limit} ballots of the box numbered after {@code after}, in order. */
    static List<Ballot> page(Connection c, long electionId, long after, int limit) throws SQLException {
        return list(c, "SELECT number, tracker, credential, cast_at, cast_seq, counted FROM ballot"
                + " WHERE election_id = ? AND number > ? ORDER BY number LIMIT ?", p -> {
                    p.setLong(1, electionId);
                    p.setLong(2, after);
                    p.setInt(3, limit);
                });
    }

    /** The ballot with {@code tracker}: its election, its place in the box and its JSON; null if none. */
    static Stored find(Connection c, String tracker) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT election_id, number, tracker, credential, cast_at,"
                + " cast_seq, counted, ballot FROM ballot WHERE tracker = ?")) {
            p.setString(1, tracker);
            try (ResultSet rs = p.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return new Stored(rs.getLong(1), new Ballot(rs.getLong(2), rs.getString(3), rs.getBytes(4),
                        rs.getLong(5), rs.getLong(6), rs.getInt(7) != 0), rs.getString(8));
            }
        }
    }

    /** A ballot with its election and its JSON, as stored. */
    record Stored(long electionId, Ballot ballot, String json) {}

    /**
     * The counted ballots of the election, in the order they were cast: each one read and parsed, so
     * about 0.3 ms of CPU a ballot. The tally reads the running sums instead ({@link CountedSums}).
     */
    static List<EncryptedBallot> counted(Connection c, long electionId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "SELECT ballot FROM ballot WHERE election_id = ? AND counted = 1 ORDER BY number")) {
            p.setLong(1, electionId);
            List<EncryptedBallot> ballots = new ArrayList<>();
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    ballots.add(BallotJson.parse(rs.getString(1))); // verified when cast, stored as written then
                }
            }
            return ballots;
        }
    }

    /** How many ballots the voter has cast in the election, re-votes included (counted from the index, no row read). */
    static long castBy(Connection c, long electionId, String voterId) throws SQLException {
        return single(c, "SELECT count(*) FROM ballot WHERE election_id = ? AND voter_id = ?", p -> {
            p.setLong(1, electionId);
            p.setString(2, voterId);
        });
    }

    /** How many voters have a counted ballot in the election. */
    static long voted(Connection c, long electionId) throws SQLException {
        return single(c, "SELECT count(*) FROM ballot WHERE election_id = ? AND counted = 1", electionId);
    }

    /**
     * The number of the election's last ballot, 0 for none: as the box numbers ballots 1, 2, …, how
     * many it holds, but read from the end of the index on (election, number) rather than counted,
     * so casting does not slow down as the box fills.
     */
    private static long lastNumber(Connection c, long electionId) throws SQLException {
        return single(c, "SELECT coalesce(max(number), 0) FROM ballot WHERE election_id = ?", electionId);
    }

    /** How many ballots the election's box holds, replaced ones included. */
    static long count(Connection c, long electionId) throws SQLException {
        return single(c, "SELECT count(*) FROM ballot WHERE election_id = ?", electionId);
    }

    private static long single(Connection c, String sql, long electionId) throws SQLException {
        return single(c, sql, p -> p.setLong(1, electionId));
    }

    private static long single(Connection c, String sql, Binder binder) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            binder.bind(p);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private interface Binder {
        void bind(PreparedStatement p) throws SQLException;
    }

    private static List<Ballot> list(Connection c, String sql, Binder binder) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            binder.bind(p);
            List<Ballot> ballots = new ArrayList<>();
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    ballots.add(new Ballot(rs.getLong(1), rs.getString(2), rs.getBytes(3), rs.getLong(4), rs.getLong(5),
                            rs.getInt(6) != 0));
                }
            }
            return ballots;
        }
    }
}
