package io.bastion.evoting;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bastion.core.service.ServiceContext;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/**
 * The operations of a signed-in voter (admins may call them too). The caller is always the
 * session's identity, never a voter named in the request; "now" is always the agreed time of the
 * context.
 */
final class VoterOperations {
    /** Most elections one listElections answer holds (the newest). */
    static final int LISTED_ELECTIONS_MAX = 50;

    private VoterOperations() {}

    /** {@code {"op":"listElections"}} → the elections the caller may vote in (an admin: all), newest first. */
    static ObjectNode listElections(Connection c, ServiceContext context, Voters.Voter caller) throws SQLException {
        long now = context.timeMillis();
        ObjectNode reply = JsonNodeFactory.instance.objectNode();
        reply.put("now", now);
        ArrayNode elections = reply.putArray("elections");
        for (long id : Elections.visibleTo(c, caller, LISTED_ELECTIONS_MAX)) {
            ObjectNode election = describe(Elections.require(c, id), now);
            election.put("eligible", Elections.eligible(c, id, caller.id()));
            election.put("voted", Ballots.of(c, id, caller.id()).stream().anyMatch(Ballots.Ballot::counted));
            elections.add(election);
        }
        return reply;
    }

    /** {@code {"op":"castBallot","electionId":…,"option":…}} → the receipt, and whether it replaced a ballot. */
    static ObjectNode castBallot(Operation request, Connection c, ServiceContext context, Voters.Voter caller)
            throws SQLException {
        long id = request.electionId();
        String option = request.text("option", Elections.OPTION_CHARS_MAX);
        Elections.Election election = eligibleElection(c, id, caller);
        long now = context.timeMillis();
        switch (election.stateAt(now)) {
            case UPCOMING -> throw new Refusal("election " + id + " is not open yet: voting opens at "
                    + election.opensAtMillis() + " (agreed time now " + now + ")");
            case CLOSED -> throw new Refusal("election " + id + " is closed: voting ended at "
                    + election.closesAtMillis());
            case OPEN -> { }
        }
        int position = election.options().indexOf(option);
        if (position < 0) {
            throw new Refusal("\"" + option + "\" is not an option of election " + id + "; the options are "
                    + election.options());
        }
        if (Ballots.of(c, id, caller.id()).size() >= Ballots.BALLOTS_PER_VOTER_MAX) {
            throw new Refusal("you have cast " + Ballots.BALLOTS_PER_VOTER_MAX + " ballots in election " + id
                    + ", the most one voter may");
        }
        String receipt = Hashes.receipt(id, caller.id(), option, now, context.seq(), context.index(),
                context.randomSeed());
        boolean replaced = Ballots.cast(c, id, caller.id(), position, now, context.seq(), receipt);
        ObjectNode reply = JsonNodeFactory.instance.objectNode();
        reply.put("electionId", id);
        reply.put("option", option);
        reply.put("castAt", now);
        reply.put("seq", context.seq());
        reply.put("receipt", receipt);
        reply.put("replaced", replaced);
        return reply;
    }

    /** {@code {"op":"myReceipt","electionId":…}} → the caller's ballots, oldest first, each saying if it counts. */
    static ObjectNode myReceipt(Operation request, Connection c, ServiceContext context, Voters.Voter caller)
            throws SQLException {
        long id = request.electionId();
        Elections.Election election = eligibleElection(c, id, caller);
        ObjectNode reply = JsonNodeFactory.instance.objectNode();
        reply.put("electionId", id);
        reply.put("state", election.stateAt(context.timeMillis()).label());
        ArrayNode ballots = reply.putArray("ballots");
        for (Ballots.Ballot ballot : Ballots.of(c, id, caller.id())) {
            ObjectNode b = ballots.addObject();
            b.put("receipt", ballot.receipt());
            b.put("option", ballot.option());
            b.put("castAt", ballot.castAtMillis());
            b.put("seq", ballot.seq());
            b.put("counted", ballot.counted());
        }
        return reply;
    }

    /** {@code {"op":"turnout","electionId":…}} → how many are eligible and how many have voted. */
    static ObjectNode turnout(Operation request, Connection c, ServiceContext context, Voters.Voter caller)
            throws SQLException {
        long id = request.electionId();
        Elections.Election election = visibleElection(c, id, caller);
        ObjectNode reply = JsonNodeFactory.instance.objectNode();
        reply.put("electionId", id);
        reply.put("state", election.stateAt(context.timeMillis()).label());
        reply.put("eligible", Elections.eligibleCount(c, id));
        reply.put("voted", Ballots.voted(c, id));
        return reply;
    }

    /** {@code {"op":"results","electionId":…}} → the counted ballots per option, once the election is closed. */
    static ObjectNode results(Operation request, Connection c, ServiceContext context, Voters.Voter caller)
            throws SQLException {
        long id = request.electionId();
        Elections.Election election = visibleElection(c, id, caller);
        if (election.stateAt(context.timeMillis()) != ElectionState.CLOSED) {
            throw new Refusal("results are published when the election closes");
        }
        ObjectNode reply = JsonNodeFactory.instance.objectNode();
        reply.put("electionId", id);
        reply.put("title", election.title());
        reply.put("state", ElectionState.CLOSED.label());
        reply.put("eligible", Elections.eligibleCount(c, id));
        reply.put("voted", Ballots.voted(c, id));
        ArrayNode results = reply.putArray("results");
        for (Map.Entry<String, Long> count : Ballots.counts(c, id).entrySet()) {
            results.addObject().put("option", count.getKey()).put("votes", count.getValue());
        }
        return reply;
    }

    /** An election's public description: id, title, options, window and state at {@code nowMillis}. */
    static ObjectNode describe(Elections.Election election, long nowMillis) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("id", election.id());
        node.put("title", election.title());
        ArrayNode options = node.putArray("options");
        election.options().forEach(options::add);
        node.put("opensAt", election.opensAtMillis());
        if (election.closesAtMillis() == null) {
            node.putNull("closesAt");
        } else {
            node.put("closesAt", election.closesAtMillis());
        }
        node.put("state", election.stateAt(nowMillis).label());
        return node;
    }

    /** The election, if the caller is eligible in it. */
    private static Elections.Election eligibleElection(Connection c, long id, Voters.Voter caller) throws SQLException {
        Elections.Election election = Elections.require(c, id);
        if (!Elections.eligible(c, id, caller.id())) {
            throw new Refusal("you are not eligible for election " + id);
        }
        return election;
    }

    /** The election, if the caller is eligible in it or an admin. */
    private static Elections.Election visibleElection(Connection c, long id, Voters.Voter caller) throws SQLException {
        return caller.role() == Role.ADMIN ? Elections.require(c, id) : eligibleElection(c, id, caller);
    }
}
