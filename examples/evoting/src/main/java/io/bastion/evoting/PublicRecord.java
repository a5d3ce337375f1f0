package io.bastion.evoting;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bastion.core.service.ServiceContext;
import io.bastion.evoting.record.ResultRecord;
import io.bastion.threshold.Threshold;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * What anyone may check: the ballot box (every accepted ballot, encrypted, in order), one ballot in
 * full by its tracker, the turnout and the results with the replicas whose decryption shares made
 * them. The box and the ballots are public to every signed-in account; the turnout and the results
 * to the election's voters and admins.
 */
final class PublicRecord {
    /** Most ballots one ballotBox answer lists. */
    static final int BALLOT_BOX_PAGE_MAX = 100;

    private PublicRecord() {}

    /**
     * {@code {"op":"ballotBox","electionId":…,"after"?:n,"limit"?:m}} → at most {@code limit} (default
     * and most {@value #BALLOT_BOX_PAGE_MAX}) ballots numbered after {@code after} (default 0), in
     * order, and {@code next}: the {@code after} of the next page, or null at the end.
     */
    static ObjectNode ballotBox(Operation request, Connection c, ServiceContext context) throws SQLException {
        long id = request.electionId();
        long after = request.integer("after", 0, Long.MAX_VALUE, 0);
        int limit = (int) request.integer("limit", 1, BALLOT_BOX_PAGE_MAX, BALLOT_BOX_PAGE_MAX);
        Elections.Election election = Elections.require(c, id);
        List<Ballots.Ballot> page = Ballots.page(c, id, after, limit + 1); // one more: is there a next page?
        ObjectNode reply = JsonNodeFactory.instance.objectNode();
        reply.put("electionId", id);
        reply.put("state", election.stateAt(context.timeMillis()).label());
        reply.put("total", Ballots.count(c, id));
        ArrayNode ballots = reply.putArray("ballots");
        for (Ballots.Ballot ballot : page.subList(0, Math.min(limit, page.size()))) {
            ballots.add(describe(ballot));
        }
        if (page.size() > limit) {
            reply.put("next", page.get(limit - 1).number());
        } else {
            reply.putNull("next");
        }
        return reply;
    }

    /** {@code {"op":"ballot","tracker":…}} → the ballot with that tracker: its place in the box and its JSON. */
    static ObjectNode ballot(Operation request, Connection c, ObjectMapper json) throws SQLException {
        String tracker = request.text("tracker", 64);
        if (!tracker.matches("[0-9a-f]{64}")) {
            throw new Refusal("ballot needs \"tracker\": 64 lowercase hex digits");
        }
        Ballots.Stored stored = Ballots.find(c, tracker);
        if (stored == null) {
            throw new Refusal("no ballot " + tracker + " in any ballot box");
        }
        ObjectNode reply = describe(stored.ballot());
        reply.put("electionId", stored.electionId());
        try {
            reply.set("ballot", json.readTree(stored.json()));
        } catch (IOException e) {
            throw new UncheckedIOException("a stored ballot that is not JSON: " + tracker, e);
        }
        return reply;
    }

    /** One ballot of the box, without its contents. */
    static ObjectNode describe(Ballots.Ballot ballot) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("number", ballot.number());
        node.put("tracker", ballot.tracker());
        node.put("credential", Base64Url.encode(ballot.credential()));
        node.put("castAt", ballot.castAtMillis());
        node.put("counted", ballot.counted());
        return node;
    }

    /** {@code {"op":"turnout","electionId":…}} → how many are eligible and how many have voted. */
    static ObjectNode turnout(Operation request, Connection c, ServiceContext context, Voters.Voter caller)
            throws SQLException {
        long id = request.electionId();
        Elections.Election election = VoterOperations.visibleElection(c, id, caller);
        ObjectNode reply = JsonNodeFactory.instance.objectNode();
        reply.put("electionId", id);
        reply.put("state", election.stateAt(context.timeMillis()).label());
        reply.put("eligible", Elections.eligibleCount(c, id));
        reply.put("voted", Ballots.voted(c, id));
        return reply;
    }

    /**
     * {@code {"op":"results","electionId":…}} → once the election closed: {@code "tally":"tallying"}
     * until the replicas' decryption of the sums exists, then the count per option, the winner or
     * the tie, and the replicas whose shares made the result (and any caught sending bad ones).
     */
    static ObjectNode results(Operation request, Connection c, ServiceContext context, Voters.Voter caller,
                              Threshold threshold) throws SQLException {
        long id = request.electionId();
        Elections.Election election = VoterOperations.visibleElection(c, id, caller);
        if (election.stateAt(context.timeMillis()) != ElectionState.CLOSED) {
            throw new Refusal("results are published when the election closes");
        }
        Tallies.Outcome outcome = Tallies.outcome(threshold, c, election);
        ObjectNode reply = JsonNodeFactory.instance.objectNode();
        reply.put("electionId", id);
        reply.put("title", election.title());
        reply.put("state", ElectionState.CLOSED.label());
        reply.put("eligible", Elections.eligibleCount(c, id));
        reply.put("voted", Ballots.voted(c, id));
        reply.put("tally", switch (outcome.state()) {
            case NONE, REQUESTED -> "tallying";
            case DONE -> "done";
            case FAILED -> "failed";
        });
        if (outcome.state() == Elections.TallyState.FAILED) {
            reply.put("error", "the decrypted sums hold no counts up to the number of ballots: more than f replicas"
                    + " are faulty");
        }
        if (outcome.counts() != null) {
            putCounts(reply, election, outcome.counts());
        }
        if (outcome.state() == Elections.TallyState.DONE || outcome.state() == Elections.TallyState.FAILED) {
            ArrayNode by = reply.putArray("decryptedBy");
            outcome.decryptedBy().forEach(by::add);
        }
        ArrayNode faulty = reply.putArray("faulty");
        for (Map.Entry<Integer, String> caught : outcome.faulty().entrySet()) {
            faulty.addObject().put("replica", caught.getKey()).put("reason", caught.getValue());
        }
        return reply;
    }

    private static void putCounts(ObjectNode reply, Elections.Election election, List<Long> counts) {
        ArrayNode results = reply.putArray("results");
        for (int position = 0; position < counts.size(); position++) {
            results.addObject().put("option", election.options().get(position)).put("votes", counts.get(position));
        }
        ResultRecord.Leaders leaders = ResultRecord.leaders(election.options(), counts);
        if (leaders.winner() != null) {
            reply.put("winner", leaders.winner());
        } else {
            ArrayNode tie = reply.putArray("tie");
            leaders.tie().forEach(tie::add);
        }
    }
}
