package io.bastion.evoting;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bastion.core.service.ServiceContext;
import io.bastion.evoting.ballot.Credential;
import io.bastion.threshold.Threshold;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The admin's operations. Each checks everything first and refuses before it writes; the caller
 * has already been checked to be an admin.
 */
final class AdminOperations {
    /** Most voters one addVoters request names. */
    static final int VOTERS_PER_REQUEST_MAX = 1_000;

    private AdminOperations() {}

    /**
     * {@code {"op":"createElection","title":…,"options":[…],"minChoices"?:…,"maxChoices"?:…,"opensAt"?:…,
     * "closesAt"?:…}} → the new election; a voter chooses exactly one option unless minChoices and
     * maxChoices say otherwise; it opens now unless {@code opensAt} says otherwise, and stays open
     * until closed unless {@code closesAt} is given. Its threshold key is asked for at once (or by a
     * later request, if the replicas are not ready to make keys yet).
     */
    static ObjectNode createElection(Operation request, Connection c, ServiceContext context, Voters.Voter caller,
                                     Threshold threshold) throws SQLException {
        String title = request.text("title", Elections.TITLE_CHARS_MAX);
        List<String> options = request.texts("options", Elections.OPTIONS_MAX, Elections.OPTION_CHARS_MAX);
        if (options.size() < 2) {
            throw new Refusal("createElection needs at least two options");
        }
        int minChoices = (int) request.integer("minChoices", 0, Elections.OPTIONS_MAX, 1);
        int maxChoices = (int) request.integer("maxChoices", 1, Elections.OPTIONS_MAX, 1);
        if (minChoices > maxChoices || maxChoices > options.size()) {
            throw new Refusal("the choices must satisfy minChoices <= maxChoices <= " + options.size()
                    + " (the number of options), not " + minChoices + ".." + maxChoices);
        }
        long now = context.timeMillis();
        Long opensAtField = request.optionalMillis("opensAt");
        long opensAt = opensAtField == null ? now : opensAtField;
        Long closesAt = request.optionalMillis("closesAt");
        if (closesAt != null && closesAt <= opensAt) {
            throw new Refusal("closesAt must be later than opensAt");
        }
        if (closesAt != null && closesAt <= now) {
            throw new Refusal("closesAt must be later than now (agreed time " + now + ")");
        }
        long id = Elections.create(c, title, options, minChoices, maxChoices, opensAt, closesAt, caller.id(), now);
        Tallies.requestKey(threshold, c, Elections.require(c, id), context);
        return VoterOperations.describe(Elections.require(c, id), now, threshold);
    }

    /** {@code {"op":"addVoters","electionId":…,"voters":[…]}} → how many became eligible. */
    static ObjectNode addVoters(Operation request, Connection c, ServiceContext context) throws SQLException {
        long id = request.electionId();
        List<String> voters = request.texts("voters", VOTERS_PER_REQUEST_MAX, Voters.NAME_CHARS_MAX);
        Elections.Election election = Elections.require(c, id);
        if (election.stateAt(context.timeMillis()) == ElectionState.CLOSED) {
            throw new Refusal("election " + id + " is closed");
        }
        for (String voter : voters) {
            if (Voters.find(c, voter) == null) {
                throw new Refusal("unknown voter " + voter);
            }
        }
        int added = Elections.addEligible(c, id, voters);
        ObjectNode reply = JsonNodeFactory.instance.objectNode();
        reply.put("electionId", id);
        reply.put("added", added);
        reply.put("eligible", Elections.eligibleCount(c, id));
        return reply;
    }

    /**
     * {@code {"op":"registerVoter","voter":…,"name":…,"role":"voter"|"admin","enrollmentKey":…}} → the
     * account, still to enroll with the code whose public key {@code enrollmentKey} is.
     */
    static ObjectNode registerVoter(Operation request, Connection c) throws SQLException {
        String voter = request.text("voter", Voters.NAME_CHARS_MAX);
        String name = request.text("name", Voters.NAME_CHARS_MAX);
        Role role = Role.parse(request.text("role", Voters.NAME_CHARS_MAX));
        Credential enrollmentKey = request.publicKey("enrollmentKey");
        Voters.register(c, voter, name, role, enrollmentKey);
        ObjectNode reply = JsonNodeFactory.instance.objectNode();
        reply.put("voter", voter);
        reply.put("name", name);
        reply.put("role", role.label());
        reply.put("enrolled", false);
        return reply;
    }

    /**
     * {@code {"op":"resetCredential","voter":…,"enrollmentKey":…}} → the account, its credential
     * forgotten: the voter enrolls again with the new code (a lost device, say). Their ballots stay in
     * the box; one cast with the new credential replaces their counted one, as any re-vote does.
     */
    static ObjectNode resetCredential(Operation request, Connection c) throws SQLException {
        String voter = request.text("voter", Voters.NAME_CHARS_MAX);
        Credential enrollmentKey = request.publicKey("enrollmentKey");
        Voters.Voter account = Voters.find(c, voter);
        if (account == null) {
            throw new Refusal("unknown voter " + voter);
        }
        Voters.reset(c, voter, enrollmentKey);
        ObjectNode reply = JsonNodeFactory.instance.objectNode();
        reply.put("voter", voter);
        reply.put("name", account.name());
        reply.put("role", account.role().label());
        reply.put("enrolled", false);
        return reply;
    }

    /** {@code {"op":"closeElection","electionId":…}} → the election, closed now, its tally begun. */
    static ObjectNode closeElection(Operation request, Connection c, ServiceContext context, Threshold threshold)
            throws SQLException {
        long id = request.electionId();
        long now = context.timeMillis();
        if (Elections.require(c, id).stateAt(now) == ElectionState.CLOSED) {
            throw new Refusal("election " + id + " is already closed");
        }
        Elections.close(c, id, now);
        Tallies.begin(threshold, c, Elections.require(c, id), context);
        return VoterOperations.describe(Elections.require(c, id), now, threshold);
    }
}
