package io.bastion.evoting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bastion.core.service.ServiceContext;
import io.bastion.evoting.ballot.BallotFormatException;
import io.bastion.evoting.ballot.BallotJson;
import io.bastion.evoting.ballot.BallotParameters;
import io.bastion.evoting.ballot.BallotVerifier;
import io.bastion.evoting.ballot.EncryptedBallot;
import io.bastion.threshold.Element;
import io.bastion.threshold.Threshold;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The operations of a signed-in voter (admins may call them too): the elections they may vote in,
 * casting a ballot, and their own ballots. The caller is always the session's identity, never a
 * voter named in the request; "now" is always the agreed time of the context.
 */
final class VoterOperations {
    /** Most elections one listElections answer holds (the newest). */
    static final int LISTED_ELECTIONS_MAX = 50;

    private VoterOperations() {}

    /**
     * {@code {"op":"listElections"}} → the caller's role ({@code "admin"} or {@code "voter"}: what a
     * client may offer them) and the elections they may vote in (an admin: all), newest first.
     */
    static ObjectNode listElections(Connection c, ServiceContext context, Voters.Voter caller, Threshold threshold)
            throws SQLException {
        long now = context.timeMillis();
        ObjectNode reply = JsonNodeFactory.instance.objectNode();
        reply.put("now", now);
        reply.put("role", caller.role().label());
        ArrayNode elections = reply.putArray("elections");
        for (long id : Elections.visibleTo(c, caller, LISTED_ELECTIONS_MAX)) {
            elections.add(describeFor(c, Elections.require(c, id), now, caller, threshold));
        }
        return reply;
    }

    /**
     * {@code {"op":"election","electionId":…}} → one election, as listElections describes it, and the
     * caller's role.
     */
    static ObjectNode election(Operation request, Connection c, ServiceContext context, Voters.Voter caller,
                               Threshold threshold) throws SQLException {
        Elections.Election election = visibleElection(c, request.electionId(), caller);
        return describeFor(c, election, context.timeMillis(), caller, threshold).put("role", caller.role().label());
    }

    /**
     * {@code {"op":"castBallot","electionId":…,"ballot":{…}}} → the ballot's tracker and number in the
     * box, and whether it replaced the caller's earlier ballot. Checked in this order: the election
     * exists, the caller is eligible, it is open, its key exists, the caller has ballots left; the
     * ballot parses, is for this election and under the caller's credential, and verifies (signature
     * and proofs); it is not in the box already.
     */
    static ObjectNode castBallot(Operation request, Connection c, ServiceContext context, Voters.Voter caller,
                                 Threshold threshold) throws SQLException {
        long id = request.electionId();
        JsonNode json = request.object("ballot", "a ballot, the JSON object of docs/ballots.md");
        Elections.Election election = eligibleElection(c, id, caller);
        long now = context.timeMillis();
        switch (election.stateAt(now)) {
            case UPCOMING -> throw new Refusal("election " + id + " is not open yet: voting opens at "
                    + election.opensAtMillis() + " (agreed time now " + now + ")");
            case CLOSED -> throw new Refusal("election " + id + " is closed: voting ended at "
                    + election.closesAtMillis());
            case OPEN -> { }
        }
        Element publicKey = Tallies.publicKey(threshold, election).orElseThrow(() -> new Refusal("election " + id
                + " has no key yet: the replicas are still making it; try again in a few seconds"));
        if (Ballots.castBy(c, id, caller.id()) >= Ballots.BALLOTS_PER_VOTER_MAX) {
            throw new Refusal("you have cast " + Ballots.BALLOTS_PER_VOTER_MAX + " ballots in election " + id
                    + ", the most one voter may");
        }
        EncryptedBallot ballot;
        try {
            ballot = BallotJson.parse(json);
        } catch (BallotFormatException e) {
            throw new Refusal("malformed ballot: " + e.getMessage());
        }
        if (ballot.electionId() != id) {
            throw new Refusal("ballot is for election " + ballot.electionId() + ", not " + id);
        }
        if (!ballot.credential().equals(caller.credential())) {
            throw new Refusal("the ballot's credential is not yours: sign it with the credential you enrolled");
        }
        BallotParameters parameters = new BallotParameters(id, election.options().size(), election.minChoices(),
                election.maxChoices(), publicKey);
        String refusal = new BallotVerifier(parameters).verify(ballot);
        if (refusal != null) {
            throw new Refusal("ballot refused: " + refusal);
        }
        String tracker = ballot.tracker().hex();
        if (Ballots.exists(c, tracker)) {
            throw new Refusal("ballot " + tracker + " is already in the ballot box");
        }
        Ballots.Cast cast = Ballots.cast(c, id, caller.id(), ballot, now, context.seq());
        ObjectNode reply = JsonNodeFactory.instance.objectNode();
        reply.put("electionId", id);
        reply.put("tracker", tracker);
        reply.put("number", cast.number());
        reply.put("castAt", now);
        reply.put("seq", context.seq());
        reply.put("replaced", cast.replaced());
        return reply;
    }

    /**
     * Before a batch executes: the ballots of its {@code castBallot} operations that parse and whose
     * election exists and has its key, checked together ({@link BallotVerifier#verifyTogether}), so
     * that {@link #castBallot} finds them valid at once. Everything else castBallot checks (the caller,
     * the election's state, the voter's ballots left) it still checks; an operation that is not a
     * well-formed ballot (whatever it throws here) is left out and left to it, to refuse with its reason.
     */
    static void checkBallotsTogether(List<byte[]> operations, Connection c, Threshold threshold, ObjectMapper json)
            throws SQLException {
        List<BallotVerifier.Cast> casts = new ArrayList<>();
        Map<Long, Optional<BallotParameters>> elections = new HashMap<>();
        for (byte[] operation : operations) {
            try {
                Operation request = Operation.parse(json, operation);
                if (request.op() != Op.CAST_BALLOT) {
                    continue;
                }
                long id = request.electionId();
                Optional<BallotParameters> parameters = elections.get(id);
                if (parameters == null) {
                    parameters = parametersOf(c, id, threshold);
                    elections.put(id, parameters);
                }
                EncryptedBallot ballot = BallotJson.parse(request.object("ballot", "a ballot"));
                if (parameters.isPresent() && ballot.electionId() == id) {
                    casts.add(new BallotVerifier.Cast(parameters.get(), ballot));
                }
            } catch (RuntimeException notABallot) {
                // Refusal, BallotFormatException or anything else a hostile operation provokes: it stays
                // out of the sum, and castBallot refuses it (or fails it) with its reason, as without this
            }
        }
        BallotVerifier.verifyTogether(casts);
    }

    /** The ballot parameters of election {@code id}, if it exists and has its key. */
    private static Optional<BallotParameters> parametersOf(Connection c, long id, Threshold threshold) throws SQLException {
        Elections.Election election;
        try {
            election = Elections.require(c, id);
        } catch (Refusal unknown) {
            return Optional.empty();
        }
        return Tallies.publicKey(threshold, election).map(key -> new BallotParameters(id, election.options().size(),
                election.minChoices(), election.maxChoices(), key));
    }

    /** {@code {"op":"myBallots","electionId":…}} → the caller's ballots, oldest first, each saying if it counts. */
    static ObjectNode myBallots(Operation request, Connection c, ServiceContext context, Voters.Voter caller)
            throws SQLException {
        long id = request.electionId();
        Elections.Election election = eligibleElection(c, id, caller);
        ObjectNode reply = JsonNodeFactory.instance.objectNode();
        reply.put("electionId", id);
        reply.put("state", election.stateAt(context.timeMillis()).label());
        ArrayNode ballots = reply.putArray("ballots");
        for (Ballots.Ballot ballot : Ballots.of(c, id, caller.id())) {
            ballots.add(PublicRecord.describe(ballot));
        }
        return reply;
    }

    /**
     * An election's public description at {@code nowMillis}: id, title, options, how many to choose,
     * window, state, and the public key ballots are encrypted under (null until the replicas made it).
     */
    static ObjectNode describe(Elections.Election election, long nowMillis, Threshold threshold) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("id", election.id());
        node.put("title", election.title());
        ArrayNode options = node.putArray("options");
        election.options().forEach(options::add);
        node.put("minChoices", election.minChoices());
        node.put("maxChoices", election.maxChoices());
        node.put("opensAt", election.opensAtMillis());
        if (election.closesAtMillis() == null) {
            node.putNull("closesAt");
        } else {
            node.put("closesAt", election.closesAtMillis());
        }
        node.put("state", election.stateAt(nowMillis).label());
        Element publicKey = Tallies.publicKey(threshold, election).orElse(null);
        if (publicKey == null) {
            node.putNull("publicKey");
        } else {
            node.put("publicKey", Base64Url.encode(publicKey.encode()));
        }
        return node;
    }

    private static ObjectNode describeFor(Connection c, Elections.Election election, long nowMillis,
                                          Voters.Voter caller, Threshold threshold) throws SQLException {
        ObjectNode node = describe(election, nowMillis, threshold);
        node.put("eligible", Elections.eligible(c, election.id(), caller.id()));
        node.put("voted", Ballots.of(c, election.id(), caller.id()).stream().anyMatch(Ballots.Ballot::counted));
        return node;
    }

    /** The election, if the caller is eligible in it. */
    static Elections.Election eligibleElection(Connection c, long id, Voters.Voter caller) throws SQLException {
        Elections.Election election = Elections.require(c, id);
        if (!Elections.eligible(c, id, caller.id())) {
            throw new Refusal("you are not eligible for election " + id);
        }
        return election;
    }

    /** The election, if the caller is eligible in it or an admin. */
    static Elections.Election visibleElection(Connection c, long id, Voters.Voter caller) throws SQLException {
        return caller.role() == Role.ADMIN ? Elections.require(c, id) : eligibleElection(c, id, caller);
    }
}
