package io.bastion.evoting;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bastion.core.service.ServiceContext;

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
     * {@code {"op":"createElection","title":…,"options":[…],"opensAt"?:…,"closesAt"?:…}} → the new
     * election; it opens now unless {@code opensAt} says otherwise, and stays open until closed
     * unless {@code closesAt} is given.
     */
    static ObjectNode createElection(Operation request, Connection c, ServiceContext context, Voters.Voter caller)
            throws SQLException {
        String title = request.text("title", Elections.TITLE_CHARS_MAX);
        List<String> options = request.texts("options", Elections.OPTIONS_MAX, Elections.OPTION_CHARS_MAX);
        if (options.size() < 2) {
            throw new Refusal("createElection needs at least two options");
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
        long id = Elections.create(c, title, options, opensAt, closesAt, caller.id(), now);
        return VoterOperations.describe(Elections.require(c, id), now);
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

    /** {@code {"op":"registerVoter","voter":…,"name":…,"secret":…,"role":"voter"|"admin"}} → the account. */
    static ObjectNode registerVoter(Operation request, Connection c) throws SQLException {
        String voter = request.text("voter", Voters.NAME_CHARS_MAX);
        String name = request.text("name", Voters.NAME_CHARS_MAX);
        String secret = request.text("secret", Voters.SECRET_CHARS_MAX);
        Role role = Role.parse(request.text("role", Voters.NAME_CHARS_MAX));
        Voters.register(c, voter, name, secret, role);
        ObjectNode reply = JsonNodeFactory.instance.objectNode();
        reply.put("voter", voter);
        reply.put("name", name);
        reply.put("role", role.label());
        return reply;
    }

    /** {@code {"op":"closeElection","electionId":…}} → the election, closed now. */
    static ObjectNode closeElection(Operation request, Connection c, ServiceContext context) throws SQLException {
        long id = request.electionId();
        long now = context.timeMillis();
        if (Elections.require(c, id).stateAt(now) == ElectionState.CLOSED) {
            throw new Refusal("election " + id + " is already closed");
        }
        Elections.close(c, id, now);
        return VoterOperations.describe(Elections.require(c, id), now);
    }
}
