package io.bastion.evoting;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ballots. A voter's latest ballot in an election is the counted one; a re-vote keeps the
 * earlier ballots, marked not counted, so that a voter holding an old receipt can see it was
 * replaced (a unique index allows one counted ballot per voter and election).
 */
final class Ballots {
    /** Most ballots one voter may cast in one election, re-votes included. */
    static final int BALLOTS_PER_VOTER_MAX = 20;

    /** One ballot as its voter sees it. */
    record Ballot(String receipt, String option, long castAtMillis, long seq, boolean counted) {}

    private Ballots() {}

    /**
     * Stores a counted ballot for option {@code position}, marking the voter's earlier one not
     * counted; returns whether there was one (the ballot replaced it).
     */
    static boolean cast(Connection c, long electionId, String voterId, int position, long castAtMillis, long seq,
                        String receipt) throws SQLException {
        boolean replaced;
        try (PreparedStatement p = c.prepareStatement("UPDATE ballot SET counted = 0"
                + " WHERE election_id = ? AND voter_id = ? AND counted = 1")) {
            p.setLong(1, electionId);
            p.setString(2, voterId);
            replaced = p.executeUpdate() == 1;
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO ballot (election_id, voter_id, position, cast_at,"
                + " cast_seq, receipt, counted) VALUES (?, ?, ?, ?, ?, ?, 1)")) {
            p.setLong(1, electionId);
            p.setString(2, voterId);
            p.setInt(3, position);
            p.setLong(4, castAtMillis);
            p.setLong(5, seq);
            p.setString(6, receipt);
            p.executeUpdate();
        }
        return replaced;
    }

    /** The voter's ballots in the election, oldest first; the last one is the counted one. */
    static List<Ballot> of(Connection c, long electionId, String voterId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT b.receipt, o.label, b.cast_at, b.cast_seq, b.counted"
                + " FROM ballot b JOIN election_option o ON o.election_id = b.election_id AND o.position = b.position"
                + " WHERE b.election_id = ? AND b.voter_id = ? ORDER BY b.id")) {
            p.setLong(1, electionId);
            p.setString(2, voterId);
            List<Ballot> ballots = new ArrayList<>();
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    ballots.add(new Ballot(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4),
                            rs.getInt(5) != 0));
                }
            }
            return ballots;
        }
    }

    /** How many voters have a counted ballot in the election. */
    static long voted(Connection c, long electionId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "SELECT count(*) FROM ballot WHERE election_id = ? AND counted = 1")) {
            p.setLong(1, electionId);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The counted ballots per option, in the options' order (options without votes count 0). */
    static Map<String, Long> counts(Connection c, long electionId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT o.label, count(b.id) FROM election_option o"
                + " LEFT JOIN ballot b ON b.election_id = o.election_id AND b.position = o.position AND b.counted = 1"
                + " WHERE o.election_id = ? GROUP BY o.position ORDER BY o.position")) {
            p.setLong(1, electionId);
            Map<String, Long> counts = new LinkedHashMap<>();
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getLong(2));
                }
            }
            return counts;
        }
    }
}
