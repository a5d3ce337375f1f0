package io.bastion.evoting;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/** The elections, their options (in order) and who is eligible to vote in each. */
final class Elections {
    /** Most elections the table holds. */
    static final int ELECTIONS_MAX = 1_000;
    static final int TITLE_CHARS_MAX = 200;
    static final int OPTIONS_MAX = 20;
    static final int OPTION_CHARS_MAX = 100;

    /**
     * An election as stored.
     *
     * @param opensAtMillis  agreed time voting opens
     * @param closesAtMillis agreed time voting closes (exclusive), or null: open until an admin closes it
     * @param closed         whether an admin closed it
     */
    record Election(long id, String title, List<String> options, long opensAtMillis, Long closesAtMillis,
                    boolean closed, String createdBy) {
        ElectionState stateAt(long nowMillis) {
            return ElectionState.at(nowMillis, opensAtMillis, closesAtMillis, closed);
        }
    }

    private Elections() {}

    /** Stores a new election and returns its id: one more than the largest so far, the same at every replica. */
    static long create(Connection c, String title, List<String> options, long opensAtMillis, Long closesAtMillis,
                       String createdBy, long nowMillis) throws SQLException {
        long id = nextId(c);
        if (id > ELECTIONS_MAX) {
            throw new Refusal("the election table is full (" + ELECTIONS_MAX + " elections)");
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO election (id, title, opens_at, closes_at, closed,"
                + " created_by, created_at) VALUES (?, ?, ?, ?, 0, ?, ?)")) {
            p.setLong(1, id);
            p.setString(2, title);
            p.setLong(3, opensAtMillis);
            if (closesAtMillis == null) {
                p.setNull(4, Types.INTEGER);
            } else {
                p.setLong(4, closesAtMillis);
            }
            p.setString(5, createdBy);
            p.setLong(6, nowMillis);
            p.executeUpdate();
        }
        try (PreparedStatement p = c.prepareStatement(
                "INSERT INTO election_option (election_id, position, label) VALUES (?, ?, ?)")) {
            for (int position = 0; position < options.size(); position++) {
                p.setLong(1, id);
                p.setInt(2, position);
                p.setString(3, options.get(position));
                p.executeUpdate();
            }
        }
        return id;
    }

    private static long nextId(Connection c) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT coalesce(max(id), 0) + 1 FROM election");
             ResultSet rs = p.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The election {@code id}, or a refusal naming it. */
    static Election require(Connection c, long id) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "SELECT title, opens_at, closes_at, closed, created_by FROM election WHERE id = ?")) {
            p.setLong(1, id);
            try (ResultSet rs = p.executeQuery()) {
                if (!rs.next()) {
                    throw new Refusal("unknown election " + id);
                }
                long closesAt = rs.getLong(3);
                Long closesAtMillis = rs.wasNull() ? null : closesAt;
                return new Election(id, rs.getString(1), options(c, id), rs.getLong(2), closesAtMillis,
                        rs.getInt(4) != 0, rs.getString(5));
            }
        }
    }

    private static List<String> options(Connection c, long id) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "SELECT label FROM election_option WHERE election_id = ? ORDER BY position")) {
            p.setLong(1, id);
            List<String> labels = new ArrayList<>();
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    labels.add(rs.getString(1));
                }
            }
            return labels;
        }
    }

    /** Closes the election at {@code nowMillis}: voting ends, results become readable. */
    static void close(Connection c, long id, long nowMillis) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE election SET closed = 1, closes_at = ? WHERE id = ?")) {
            p.setLong(1, nowMillis);
            p.setLong(2, id);
            p.executeUpdate();
        }
    }

    /** The ids of the newest {@code max} elections {@code voter} is eligible for, or of all of them for an admin. */
    static List<Long> visibleTo(Connection c, Voters.Voter voter, int max) throws SQLException {
        boolean admin = voter.role() == Role.ADMIN;
        try (PreparedStatement p = c.prepareStatement(admin
                ? "SELECT id FROM election ORDER BY id DESC LIMIT ?"
                : "SELECT election_id FROM eligibility WHERE voter_id = ? ORDER BY election_id DESC LIMIT ?")) {
            if (admin) {
                p.setInt(1, max);
            } else {
                p.setString(1, voter.id());
                p.setInt(2, max);
            }
            List<Long> ids = new ArrayList<>();
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            return ids;
        }
    }

    static boolean eligible(Connection c, long electionId, String voterId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "SELECT 1 FROM eligibility WHERE election_id = ? AND voter_id = ?")) {
            p.setLong(1, electionId);
            p.setString(2, voterId);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Makes the voters eligible; returns how many were not already. The voters must exist. */
    static int addEligible(Connection c, long electionId, List<String> voterIds) throws SQLException {
        int added = 0;
        try (PreparedStatement p = c.prepareStatement(
                "INSERT OR IGNORE INTO eligibility (election_id, voter_id) VALUES (?, ?)")) {
            for (String voterId : voterIds) {
                p.setLong(1, electionId);
                p.setString(2, voterId);
                added += p.executeUpdate();
            }
        }
        return added;
    }

    static long eligibleCount(Connection c, long electionId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT count(*) FROM eligibility WHERE election_id = ?")) {
            p.setLong(1, electionId);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
