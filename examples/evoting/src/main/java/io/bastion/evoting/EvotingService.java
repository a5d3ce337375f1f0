package io.bastion.evoting;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.service.Authorization;
import io.bastion.core.service.ServiceContext;
import io.bastion.evoting.ballot.Credential;
import io.bastion.sql.SqlService;
import io.bastion.threshold.Threshold;
import io.bastion.threshold.UsesThreshold;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;

/**
 * Elections with secret ballots, replicated by Bastion: an admin creates elections and says who may
 * vote; voters enroll a credential (an ECDSA P-256 key made on their device) with a one-time code,
 * sign in with it, and cast encrypted ballots (docs/ballots.md) within each election's window of
 * agreed time; the ballot box is public; at the close the replicas jointly decrypt only the sum of
 * the counted ballots, with the cluster's threshold facility (docs/threshold.md), whose key no f
 * replicas hold. See docs/evoting.md.
 *
 * <p>Requests and replies are UTF-8 JSON objects ({@code {"op": …}}). Expected refusals are replies
 * {@code {"error": "…"}}; an unexpected SQL error throws, and Bastion rolls the request back and
 * answers {@code error: …}. Who calls is always the session's identity ({@link
 * ServiceContext#identity()}), never a name inside a request.
 *
 * <p>Runs inside a {@code ThresholdSqlService} ({@link UsesThreshold}): {@code bastion replica}
 * does that for it. Deterministic: time is the context's agreed time, nothing is random, and the
 * admin's enrollment key (or the demo data) given to the constructor must be the same at every
 * replica; it is read once, when the database is created. Holds no state between requests but the
 * {@link Threshold} it is given; calls come from one thread at a time.
 */
public final class EvotingService implements SqlService, UsesThreshold {
    private final Credential adminEnrollmentKey;
    private final boolean demoData;
    private final ObjectMapper json = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private Threshold threshold;

    /**
     * A service whose database starts with one account, {@code admin}, still to enroll with the code
     * whose enrollment public key is {@code adminEnrollmentKey} ({@link EnrollmentCode#publicKey};
     * every replica must be given the same). No secret: the code stays with the admin.
     */
    public EvotingService(Credential adminEnrollmentKey) {
        this(adminEnrollmentKey, false);
    }

    private EvotingService(Credential adminEnrollmentKey, boolean demoData) {
        this.adminEnrollmentKey = Objects.requireNonNull(adminEnrollmentKey, "adminEnrollmentKey");
        this.demoData = demoData;
    }

    /**
     * A service for demonstrations: the admin and voters alice, bob, carol and dave, each to enroll
     * with the fixed code {@link DemoData} lists; one election, "Choose the next team offsite" (Lisbon,
     * Kraków, Tallinn, one choice), open from the start until the admin closes it, all four eligible.
     * The codes are public: whoever enrolls first is that voter. Never for a real vote.
     */
    public static EvotingService withDemoData() {
        return new EvotingService(DemoData.ADMIN.enrollmentKey(), true);
    }

    @Override
    public void useThreshold(Threshold threshold) {
        this.threshold = threshold;
    }

    @Override
    public void migrate(Connection connection) throws SQLException {
        Schema.create(connection);
        Schema.createAdmin(connection, adminEnrollmentKey);
        if (demoData) {
            Schema.insertDemoData(connection);
        }
    }

    /** Signs a voter in, or enrolls their credential: the identity is the voter id once a signature proves it. */
    @Override
    public Authorization authorize(byte[] credentials, PublicKeyRef key, Connection connection,
                                   ServiceContext context) throws SQLException {
        return SignIn.authorize(json, credentials, key, connection);
    }

    /** Records the credential an enrolling Join brought (authorize, which accepted it, only reads). */
    @Override
    public void sessionStarted(long clientId, String identity, byte[] credentials, PublicKeyRef key,
                               Connection connection, ServiceContext context) throws SQLException {
        SignIn.recordEnrollment(json, credentials, identity, connection, context.timeMillis());
    }

    @Override
    public byte[] execute(byte[] request, Connection connection, ServiceContext context) throws SQLException {
        Tallies.upkeep(threshold(), connection, context);
        return answer(request, connection, context, true);
    }

    /**
     * Checks the batch's ballots together before they are cast one by one
     * ({@link VoterOperations#checkBallotsTogether}): only a memo of valid ballots comes of it, so every
     * request's reply is what it would be without.
     */
    @Override
    public void prepareBatch(List<byte[]> operations, Connection connection) throws SQLException {
        VoterOperations.checkBallotsTogether(operations, connection, threshold(), json);
    }

    /** Answers the operations that only read; one that writes is refused (it must be ordered). */
    @Override
    public byte[] query(byte[] request, Connection connection, ServiceContext context) throws SQLException {
        return answer(request, connection, context, false);
    }

    private Threshold threshold() {
        if (threshold == null) {
            throw new IllegalStateException("EvotingService runs inside a ThresholdSqlService (docs/evoting.md):"
                    + " useThreshold was not called");
        }
        return threshold;
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

    private ObjectNode dispatch(Operation request, Connection c, ServiceContext context, boolean ordered)
            throws SQLException {
        Op op = request.op();
        Voters.Voter caller = Voters.find(c, context.identity());
        if (caller == null) {
            throw new Refusal("not signed in as a voter: join with {\"voter\": …, \"signature\": …}");
        }
        if (op.adminOnly() && caller.role() != Role.ADMIN) {
            throw new Refusal("only an admin may " + op.label());
        }
        if (op.writes() && !ordered) {
            throw new Refusal(op.label() + " writes: send it ordered, not as a read");
        }
        Threshold t = threshold();
        return switch (op) {
            case CREATE_ELECTION -> AdminOperations.createElection(request, c, context, caller, t);
            case ADD_VOTERS -> AdminOperations.addVoters(request, c, context);
            case REGISTER_VOTER -> AdminOperations.registerVoter(request, c);
            case RESET_CREDENTIAL -> AdminOperations.resetCredential(request, c);
            case CLOSE_ELECTION -> AdminOperations.closeElection(request, c, context, t);
            case CAST_BALLOT -> VoterOperations.castBallot(request, c, context, caller, t);
            case LIST_ELECTIONS -> VoterOperations.listElections(c, context, caller, t);
            case ELECTION -> VoterOperations.election(request, c, context, caller, t);
            case MY_BALLOTS -> VoterOperations.myBallots(request, c, context, caller);
            case BALLOT_BOX -> PublicRecord.ballotBox(request, c, context);
            case BALLOT -> PublicRecord.ballot(request, c, json);
            case TURNOUT -> PublicRecord.turnout(request, c, context, caller);
            case RESULTS -> PublicRecord.results(request, c, context, caller, t);
            case RECORD -> RecordPages.answer(request, c, context, t);
        };
    }
}
