package io.bastion.evoting;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bastion.core.service.ServiceContext;
import io.bastion.evoting.ballot.BallotParameters;
import io.bastion.evoting.ballot.Credential;
import io.bastion.evoting.record.BallotEntry;
import io.bastion.evoting.record.ElectionInfo;
import io.bastion.evoting.record.RecordJson;
import io.bastion.evoting.record.ResultRecord;
import io.bastion.evoting.record.TallyRecord;
import io.bastion.evoting.record.VoterEntry;
import io.bastion.threshold.DecryptionTranscript;
import io.bastion.threshold.Element;
import io.bastion.threshold.KeyTranscript;
import io.bastion.threshold.Threshold;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The election record, a page at a time: {@code {"op":"record","electionId":…,"part":…,"after":…}}
 * answers one part, and {@code bastion evoting export} puts the parts together into the record file
 * that anyone can check offline (docs/evoting.md, "The election record"). Like the ballot box, the
 * record is public to every signed-in account. The pieces are written by {@link RecordJson}, the
 * format's one codec, and are the same at every correct replica (a read is accepted only when 2f+1
 * replicas answer the same bytes).
 *
 * <ul>
 *   <li>{@code "summary"} (the default): the election, the parameters its ballots are made for, its
 *       key transcript, how many voters are eligible and how many ballots the box holds, the tally
 *       with its decryption (the aggregate, every replica's proven shares, the plaintexts) and the
 *       result.</li>
 *   <li>{@code "voters"}: eligible voters after the cursor {@code after}, each with the credentials
 *       their ballots were cast with and their enrollment key, no voter id; {@code next} is the
 *       cursor of the next page, or null.</li>
 *   <li>{@code "ballots"}: ballots numbered after {@code after}, in order, each in full;
 *       {@code next} likewise.</li>
 * </ul>
 */
final class RecordPages {
    /** Most voters one page lists. */
    static final int VOTERS_PAGE_MAX = 1_000;
    /** Most ballots one page lists. */
    static final int BALLOTS_PAGE_MAX = 500;
    /**
     * Characters of ballot JSON after which a page ends (it holds at least one ballot): a page of the
     * largest ballots (20 options, 0..20 choices, some 15,000 characters each) stays near 512 KiB,
     * well within a reply's limit.
     */
    static final int BALLOTS_PAGE_CHARS_MAX = 512 << 10;

    private RecordPages() {}

    static ObjectNode answer(Operation request, Connection c, ServiceContext context, Threshold threshold)
            throws SQLException {
        long id = request.electionId();
        Elections.Election election = Elections.require(c, id);
        String part = request.optionalText("part", "summary");
        ObjectNode reply = JsonNodeFactory.instance.objectNode();
        reply.put("electionId", id);
        reply.put("part", part);
        switch (part) {
            case "summary" -> summary(reply, c, election, context.timeMillis(), threshold);
            case "voters" -> voters(reply, c, id, request.integer("after", 0, Long.MAX_VALUE, 0));
            case "ballots" -> ballots(reply, c, id, request.integer("after", 0, Long.MAX_VALUE, 0));
            default -> throw new Refusal("record needs \"part\": \"summary\", \"voters\" or \"ballots\"");
        }
        return reply;
    }

    private static void summary(ObjectNode reply, Connection c, Elections.Election election, long nowMillis,
                                Threshold threshold) throws SQLException {
        reply.set("election", RecordJson.election(new ElectionInfo(election.id(), election.title(), election.options(),
                election.minChoices(), election.maxChoices(), election.opensAtMillis(), election.closesAtMillis(),
                election.stateAt(nowMillis).label())));
        KeyTranscript key = threshold.keyTranscript(election.keyName()).orElse(null);
        Element publicKey = Tallies.publicKey(threshold, election).orElse(null);
        reply.set("ballotParameters", RecordJson.ballotParameters(publicKey == null ? null
                : new BallotParameters(election.id(), election.options().size(), election.minChoices(),
                election.maxChoices(), publicKey)));
        reply.set("key", RecordJson.key(key));
        reply.put("eligible", Elections.eligibleCount(c, election.id()));
        reply.put("ballotCount", Ballots.count(c, election.id()));
        DecryptionTranscript decryption = election.tallyOperation() == null ? null
                : threshold.decryptionTranscript(election.tallyOperation()).orElseThrow(() -> new IllegalStateException(
                        "the ledger lost tally operation " + election.tallyOperation() + " of election " + election.id()));
        reply.set("tally", RecordJson.tally(new TallyRecord(election.tally().label(), election.tallyBallots(),
                decryption)));
        Tallies.Outcome outcome = Tallies.outcome(threshold, c, election);
        ResultRecord result = null;
        if (outcome.counts() != null) {
            ResultRecord.Leaders leaders = ResultRecord.leaders(election.options(), outcome.counts());
            result = new ResultRecord(election.options(), outcome.counts(), leaders.winner(), leaders.tie(),
                    outcome.decryptedBy());
        }
        reply.set("result", RecordJson.result(result));
    }

    /**
     * Eligible voters in the order they were registered (the voter table's row order: a cursor that
     * names no one), each with their credentials and enrollment key.
     */
    private static void voters(ObjectNode reply, Connection c, long electionId, long after) throws SQLException {
        ArrayNode voters = reply.putArray("voters");
        long last = after;
        int listed = 0;
        boolean more = false;
        try (PreparedStatement p = c.prepareStatement("SELECT v.rowid, v.id, v.enrollment_key, v.credential FROM voter v"
                + " JOIN eligibility e ON e.election_id = ? AND e.voter_id = v.id WHERE v.rowid > ?"
                + " ORDER BY v.rowid LIMIT ?")) {
            p.setLong(1, electionId);
            p.setLong(2, after);
            p.setInt(3, VOTERS_PAGE_MAX + 1); // one more: is there a next page?
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    if (listed == VOTERS_PAGE_MAX) {
                        more = true;
                        break;
                    }
                    byte[] current = rs.getBytes(4);
                    voters.add(RecordJson.voter(new VoterEntry(credentials(c, electionId, rs.getString(2), current),
                            Credential.decode(rs.getBytes(3)), current != null)));
                    last = rs.getLong(1);
                    listed++;
                }
            }
        }
        if (more) {
            reply.put("next", last);
        } else {
            reply.putNull("next");
        }
    }

    /** The voter's current credential first, if any, then the others their ballots here were cast with, in order. */
    private static List<Credential> credentials(Connection c, long electionId, String voterId, byte[] current)
            throws SQLException {
        List<Credential> credentials = new ArrayList<>();
        if (current != null) {
            credentials.add(Credential.decode(current));
        }
        try (PreparedStatement p = c.prepareStatement(
                "SELECT credential FROM ballot WHERE election_id = ? AND voter_id = ? ORDER BY number")) {
            p.setLong(1, electionId);
            p.setString(2, voterId);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    Credential used = Credential.decode(rs.getBytes(1));
                    if (!credentials.contains(used)) {
                        credentials.add(used);
                    }
                }
            }
        }
        return credentials;
    }

    /** Ballots numbered after {@code after}, in full, until the page is full by count or by characters. */
    private static void ballots(ObjectNode reply, Connection c, long electionId, long after) throws SQLException {
        ArrayNode ballots = reply.putArray("ballots");
        long last = after;
        long chars = 0;
        boolean more = false;
        try (PreparedStatement p = c.prepareStatement("SELECT number, tracker, credential, cast_at, counted, ballot"
                + " FROM ballot WHERE election_id = ? AND number > ? ORDER BY number LIMIT ?")) {
            p.setLong(1, electionId);
            p.setLong(2, after);
            p.setInt(3, BALLOTS_PAGE_MAX + 1);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    if (ballots.size() == BALLOTS_PAGE_MAX || chars >= BALLOTS_PAGE_CHARS_MAX) {
                        more = true;
                        break;
                    }
                    String json = rs.getString(6);
                    ballots.add(RecordJson.ballot(new BallotEntry(rs.getLong(1), rs.getString(2),
                            Credential.decode(rs.getBytes(3)), rs.getLong(4), rs.getInt(5) != 0, json)));
                    chars += json.length();
                    last = rs.getLong(1);
                }
            }
        }
        if (more) {
            reply.put("next", last);
        } else {
            reply.putNull("next");
        }
    }
}
