package io.bastion.evoting;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.service.Authorization;
import io.bastion.core.service.ServiceContext;
import io.bastion.sql.SqlService;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Elections replicated by Bastion: an admin creates elections and says who may vote, voters sign
 * in (a Join whose credentials are {@code {"voter": id, "secret": secret}}) and cast ballots within
 * each election's window of agreed time, and everyone eligible can check their receipt, the
 * turnout and, once the election closed, the results.
 *
 * <p>Requests and replies are UTF-8 JSON objects ({@code {"op": …}}; see docs/evoting.md). Expected
 * refusals are replies {@code {"error": "…"}}; an unexpected SQL error throws, and Bastion rolls the
 * request back and answers {@code error: …}. Who calls is always the session's identity
 * ({@link ServiceContext#identity()}), never a name inside a request.
 *
 * <p>Deterministic: time is the context's agreed time, the only randomness a receipt uses is the
 * context's seed, and the admin secret (or the demo data) given to the constructor must be the
 * same at every replica; it is read once, when the database is created. Holds no state between
 * requests; calls come from one thread at a time.
 */
public final class EvotingService implements SqlService {
    private static final String BAD_CREDENTIALS =
            "credentials must be JSON {\"voter\": \"<id>\", \"secret\": \"<secret>\"}";
    private static final String WRONG_SECRET = "unknown voter or wrong secret";

    private final String adminSecret;
    private final boolean demoData;
    private final ObjectMapper json = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /**
     * A service whose database starts with one account, {@code admin}, whose secret is
     * {@code adminSecret} (8..256 characters; every replica must be given the same).
     */
    public EvotingService(String adminSecret) {
        this(adminSecret, false);
    }

    private EvotingService(String adminSecret, boolean demoData) {
        if (adminSecret == null || adminSecret.length() < Voters.SECRET_CHARS_MIN
                || adminSecret.length() > Voters.SECRET_CHARS_MAX) {
            throw new IllegalArgumentException("the admin secret has " + Voters.SECRET_CHARS_MIN + ".."
                    + Voters.SECRET_CHARS_MAX + " characters");
        }
        this.adminSecret = adminSecret;
        this.demoData = demoData;
    }

    /**
     * A service for demonstrations: admin {@code admin} / {@code admin-demo}; voters alice, bob,
     * carol and dave, each with secret {@code <id>-demo}; one election, "Choose the next team
     * offsite" (Lisbon, Kraków, Tallinn), open from the start until the admin closes it, all four
     * eligible. The secrets are public: never use it for a real vote.
     */
    public static EvotingService withDemoData() {
        return new EvotingService(Schema.DEMO_ADMIN_SECRET, true);
    }

    @Override
    public void migrate(Connection connection) throws SQLException {
        Schema.create(connection);
        Schema.createAdmin(connection, adminSecret);
        if (demoData) {
            Schema.insertDemoData(connection);
        }
    }

    /** Signs a voter in: the identity is the voter id once the secret's hash matches. */
    @Override
    public Authorization authorize(byte[] credentials, PublicKeyRef key, Connection connection,
                                   ServiceContext context) throws SQLException {
        JsonNode node;
        try {
            node = json.readTree(credentials);
        } catch (IOException e) {
            return Authorization.refuse(BAD_CREDENTIALS);
        }
        if (node == null || !node.isObject() || !node.path("voter").isTextual() || !node.path("secret").isTextual()) {
            return Authorization.refuse(BAD_CREDENTIALS);
        }
        String voter = node.get("voter").textValue();
        boolean known = Voters.ID.matcher(voter).matches()
                && Voters.secretMatches(connection, voter, node.get("secret").textValue());
        return known ? Authorization.accept(voter) : Authorization.refuse(WRONG_SECRET);
    }

    @Override
    public byte[] execute(byte[] request, Connection connection, ServiceContext context) throws SQLException {
        return answer(request, connection, context, true);
    }

    /** Answers the operations that only read; one that writes is refused (it must be ordered). */
    @Override
    public byte[] query(byte[] request, Connection connection, ServiceContext context) throws SQLException {
        return answer(request, connection, context, false);
    }

    private byte[] answer(byte[] request, Connection c, ServiceContext context, boolean ordered) throws SQLException {
        ObjectNode reply;
        try {
            reply = dispatch(Operation.parse(json, request), c, context, ordered);
        } catch (Refusal refusal) {
            reply = JsonNodeFactory.instance.objectNode().put("error", refusal.getMessage());
        }
        try {
            return json.writeValueAsBytes(reply);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a reply tree that cannot be written: " + e, e);
        }
    }

    private static ObjectNode dispatch(Operation request, Connection c, ServiceContext context, boolean ordered)
            throws SQLException {
        Op op = request.op();
        Voters.Voter caller = Voters.find(c, context.identity());
        if (caller == null) {
            throw new Refusal("not signed in as a voter: join with {\"voter\": …, \"secret\": …}");
        }
        if (op.adminOnly() && caller.role() != Role.ADMIN) {
            throw new Refusal("only an admin may " + op.label());
        }
        if (op.writes() && !ordered) {
            throw new Refusal(op.label() + " writes: send it ordered, not as a read");
        }
        return switch (op) {
            case CREATE_ELECTION -> AdminOperations.createElection(request, c, context, caller);
            case ADD_VOTERS -> AdminOperations.addVoters(request, c, context);
            case REGISTER_VOTER -> AdminOperations.registerVoter(request, c);
            case CLOSE_ELECTION -> AdminOperations.closeElection(request, c, context);
            case CAST_BALLOT -> VoterOperations.castBallot(request, c, context, caller);
            case LIST_ELECTIONS -> VoterOperations.listElections(c, context, caller);
            case MY_RECEIPT -> VoterOperations.myReceipt(request, c, context, caller);
            case TURNOUT -> VoterOperations.turnout(request, c, context, caller);
            case RESULTS -> VoterOperations.results(request, c, context, caller);
        };
    }
}
