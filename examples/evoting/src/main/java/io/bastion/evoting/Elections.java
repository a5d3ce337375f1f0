package io.bastion.evoting;

import io.bastion.threshold.ThresholdLedger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * The elections, their options (in order), who is eligible to vote in each, and where each tally
 * stands. Each option also holds the running sum of the counted ballots' ciphertexts ({@link CountedSums}).
 */
final class Elections {
    /**
     * Most elections the table holds: one threshold key each, and the ledger holds at most
     * {@link ThresholdLedger#KEYS_MAX} keys, which nothing else asks for here (the service alone may).
     */
    static final int ELECTIONS_MAX = ThresholdLedger.KEYS_MAX;
    static final int TITLE_CHARS_MAX = 200;
    static final int OPTIONS_MAX = 20;
    static final int OPTION_CHARS_MAX = 100;
    /** The name of election {@code id}'s threshold key is this and the id. */
    static final String KEY_PREFIX = "election-";

    /** Where an election's tally stands. */
    enum TallyState {
        /** Not begun: the election is open, or closed and no ordered request has run since. */
        NONE,
        /** The decryption of the sums was asked for; the result is in the threshold ledger when done. */
        REQUESTED,
        /** The counts are stored with the options. */
        DONE,
        /** The decrypted sums hold no counts in range, which more than f faulty replicas could cause. */
        FAILED;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static TallyState parse(String label) {
            return valueOf(label.toUpperCase(java.util.Locale.ROOT));
        }
    }

    /**
     * An election as stored.
     *
     * @param opensAtMillis   agreed time voting opens
     * @param closesAtMillis  agreed time voting closes (exclusive), or null: open until an admin closes it
     * @param closed          whether an admin closed it
     * @param tallyOperation  the threshold decryption of the sums, or null before it was asked for (or with no ballots)
     * @param tallyBallots    how many ballots the tally adds up, or null before it begins
     */
    record Election(long id, String title, List<String> options, int minChoices, int maxChoices, long opensAtMillis,
                    Long closesAtMillis, boolean closed, boolean keyRequested, TallyState tally, Long tallyOperation,
                    Long tallyBallots) {
        ElectionState stateAt(long nowMillis) {
            return ElectionState.at(nowMillis, opensAtMillis, closesAtMillis, closed);
        }

        /** The name of its threshold key. */
        String keyName() {
            return KEY_PREFIX + id;
        }
    }

    private Elections() {}

    /** Stores a new election and returns its id: one more than the largest so far, the same at every replica. */
    static long create(Connection c, String title, List<String> options, int minChoices, int maxChoices,
                       long opensAtMillis, Long closesAtMillis, String createdBy, long nowMillis) throws SQLException {
        long id = nextId(c);
        if (id > ELECTIONS_MAX) {
            throw new Refusal("the election table is full (" + ELECTIONS_MAX + " elections: one threshold key each)");
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO election (id, title, opens_at, closes_at, closed,"
                + " min_choices, max_choices, created_by, created_at) VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?)")) {
            p.setLong(1, id);
            p.setString(2, title);
            p.setLong(3, opensAtMillis);
            setNullable(p, 4, closesAtMillis);
            p.setInt(5, minChoices);
            p.setInt(6, maxChoices);
            p.setString(7, createdBy);
            p.setLong(8, nowMillis);
            p.executeUpdate();
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO election_option (election_id, position, label,"
                + " sum_alpha, sum_beta) VALUES (?, ?, ?, ?, ?)")) {
            for (int position = 0; position < options.size(); position++) {
                p.setLong(1, id);
                p.setInt(2, position);
                p.setString(3, options.get(position));
                p.setBytes(4, CountedSums.EMPTY);
                p.setBytes(5, CountedSums.EMPTY);
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
        try (PreparedStatement p = c.prepareStatement("SELECT title, opens_at, closes_at, closed, min_choices,"
                + " max_choices, key_requested, tally, tally_operation, tally_ballots FROM election WHERE id = ?")) {
            p.setLong(1, id);
            try (ResultSet rs = p.executeQuery()) {
                if (!rs.next()) {
                    throw new Refusal("unknown election " + id);
                }
                return new Election(id, rs.getString(1), options(c, id), rs.getInt(5), rs.getInt(6), rs.getLong(2),
                        nullableLong(rs, 3), rs.getInt(4) != 0, rs.getInt(7) != 0, TallyState.parse(rs.getString(8)),
                        nullableLong(rs, 9), nullableLong(rs, 10));
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

    /** Closes the election at {@code nowMillis}: voting ends. */
    static void close(Connection c, long id, long nowMillis) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE election SET closed = 1, closes_at = ? WHERE id = ?")) {
            p.setLong(1, nowMillis);
            p.setLong(2, id);
            p.executeUpdate();
        }
    }

    /** The ids of the elections whose key was not asked for yet and that can still take ballots at {@code nowMillis}. */
    static List<Long> withoutKeyRequest(Connection c, long nowMillis) throws SQLException {
        return ids(c, "SELECT id FROM election WHERE key_requested = 0 AND closed = 0"
                + " AND (closes_at IS NULL OR closes_at > ?) ORDER BY id", nowMillis);
    }

    /** The ids of the elections closed at {@code nowMillis} whose tally has not begun. */
    static List<Long> closedUntallied(Connection c, long nowMillis) throws SQLException {
        return ids(c, "SELECT id FROM election WHERE tally = 'none' AND (closed = 1 OR closes_at <= ?) ORDER BY id",
                nowMillis);
    }

    /** The ids of the elections whose decryption was asked for. */
    static List<Long> tallying(Connection c) throws SQLException {
        return ids(c, "SELECT id FROM election WHERE tally = 'requested' ORDER BY id");
    }

    private static List<Long> ids(Connection c, String sql, long... parameters) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                p.setLong(i + 1, parameters[i]);
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

    static void keyRequested(Connection c, long id) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE election SET key_requested = 1 WHERE id = ?")) {
            p.setLong(1, id);
            p.executeUpdate();
        }
    }

    /** Notes that the tally of {@code ballots} ballots began: decryption {@code operation}, or none (no ballots). */
    static void tallyRequested(Connection c, long id, Long operation, long ballots) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "UPDATE election SET tally = 'requested', tally_operation = ?, tally_ballots = ? WHERE id = ?")) {
            setNullable(p, 1, operation);
            p.setLong(2, ballots);
            p.setLong(3, id);
            p.executeUpdate();
        }
    }

    /** Stores the counts, in the options' order: the tally is done. */
    static void tallied(Connection c, long id, List<Long> counts) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "UPDATE election_option SET votes = ? WHERE election_id = ? AND position = ?")) {
            for (int position = 0; position < counts.size(); position++) {
                p.setLong(1, counts.get(position));
                p.setLong(2, id);
                p.setInt(3, position);
                p.executeUpdate();
            }
        }
        setTally(c, id, TallyState.DONE);
    }

    static void setTally(Connection c, long id, TallyState tally) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE election SET tally = ? WHERE id = ?")) {
            p.setString(1, tally.label());
            p.setLong(2, id);
            p.executeUpdate();
        }
    }

    /** The stored counts, in the options' order. */
    static List<Long> storedCounts(Connection c, long id) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "SELECT votes FROM election_option WHERE election_id = ? ORDER BY position")) {
            p.setLong(1, id);
            List<Long> counts = new ArrayList<>();
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    counts.add(rs.getLong(1));
                }
            }
            return counts;
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

    private static void setNullable(PreparedStatement p, int index, Long value) throws SQLException {
        if (value == null) {
            p.setNull(index, Types.INTEGER);
        } else {
            p.setLong(index, value);
        }
    }

    private static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }
}
