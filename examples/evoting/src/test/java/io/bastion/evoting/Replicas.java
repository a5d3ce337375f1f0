package io.bastion.evoting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bastion.core.TestKeys;
import io.bastion.core.execution.StateMachine;
import io.bastion.core.message.Codec;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.replica.Execute;
import io.bastion.core.session.JoinResult;
import io.bastion.core.session.SessionRequests;
import io.bastion.core.session.TestJoins;
import io.bastion.sql.SqlDatabase;
import io.bastion.sql.SqlService;
import io.bastion.sql.SqlStateMachine;
import io.bastion.threshold.FaultyThresholdAgent;
import io.bastion.threshold.ShareStore;
import io.bastion.threshold.ThresholdAccess;
import io.bastion.threshold.ThresholdAgent;
import io.bastion.threshold.ThresholdHost;
import io.bastion.threshold.ThresholdLedger;
import io.bastion.threshold.ThresholdSqlService;
import io.bastion.threshold.UsesThreshold;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replicas of the e-voting service for tests, driven like the protocol drives them: each runs the
 * service inside a {@link ThresholdSqlService} and has a threshold agent (seeded; in-memory shares)
 * whose contributions, signed under the replica's own client id, are ordered like any request
 * ({@link #settle}). Every batch goes to all replicas at the same agreed time, and every answer
 * (ordered or not) must be the same at all of them, byte for byte; the tests then look at one copy.
 * Static client 1000 is registered in the cluster; voters sign in as dynamic clients.
 *
 * <p>Operations are written with single quotes for readability ({@code {'op':'turnout','electionId':1}});
 * {@link #json} turns them into the JSON that is sent.
 */
final class Replicas implements AutoCloseable {
    /** The agreed time of the first batch: 2026-01-01T00:00:00Z. */
    static final long T0 = 1_767_225_600_000L;
    static final long REGISTERED_CLIENT = 1000;
    static final int N = 4;
    static final int F = 1;
    private static final int CHECKPOINT_INTERVAL = 8;
    private static final long STEP_MILLIS = 1_000;
    private static final int SETTLE_BATCHES_MAX = 100;

    private final List<SqlStateMachine> machines = new ArrayList<>();
    private final List<ThresholdSqlService> services = new ArrayList<>();
    private final List<ShareStore> stores = new ArrayList<>();
    private final List<ThresholdHost> hosts = new ArrayList<>();
    private final ObjectMapper json = new ObjectMapper();
    private final Map<Long, Long> nextRequestNumber = new HashMap<>();
    private long seq;
    private long nextTimeMillis = T0;
    private long nextKeyId = 7000;

    /** A signed-in voter: the session's client id and the key it joined with. */
    record Session(long clientId, long keyId, String identity) {}

    /** {@code count} replicas of a cluster of four; the agents of {@code faulty} misbehave so. */
    <S extends SqlService & UsesThreshold> Replicas(Path directory, int count, Supplier<S> service,
                                                    Map<Integer, FaultyThresholdAgent.Fault> faulty) {
        for (int id = 0; id < count; id++) {
            S evoting = service.get();
            ThresholdSqlService hosted = new ThresholdSqlService(N, F, ThresholdAccess.SERVICE_ONLY, threshold -> {
                evoting.useThreshold(threshold);
                return evoting;
            });
            services.add(hosted);
            machines.add(new SqlStateMachine(id, TestKeys.signer(id), hosted, directory.resolve("r" + id),
                    SqlDatabase.Mode.DURABLE, CHECKPOINT_INTERVAL,
                    SessionRequests.of(TestKeys.cluster(F, 1), TestKeys.VERIFIER)));
            ShareStore store = ShareStore.inMemory();
            stores.add(store);
            FaultyThresholdAgent.Fault fault = faulty.get(id);
            ThresholdAgent agent = fault == null ? new ThresholdAgent(id, store, TestVoter.seeded(500 + id))
                    : new FaultyThresholdAgent(id, store, TestVoter.seeded(500 + id), fault, (id + 1) % N);
            ThresholdLedger empty = new ThresholdLedger(N, F);
            hosts.add(new ThresholdHost(agent, () -> hosted.ledger() != null ? hosted.ledger() : empty,
                    TestKeys.signer(id)));
        }
    }

    <S extends SqlService & UsesThreshold> Replicas(Path directory, Supplier<S> service) {
        this(directory, N, service, Map.of());
    }

    /** Four replicas of the demo service. */
    static Replicas demo(Path directory) {
        return new Replicas(directory, EvotingService::withDemoData);
    }

    List<SqlStateMachine> machines() {
        return machines;
    }

    /** What replica {@code id}'s agent keeps: its shares (which never reach the database). */
    ShareStore store(int id) {
        return stores.get(id);
    }

    ThresholdLedger ledger() {
        return services.get(0).ledger();
    }

    /** The agreed time the next batch carries (later batches step on by one second unless set again). */
    void at(long timeMillis) {
        assertThat(timeMillis).as("agreed time only moves forward").isGreaterThanOrEqualTo(lastTimeMillis());
        nextTimeMillis = timeMillis;
    }

    /** The agreed time of the last batch: the "now" of unordered reads. */
    long lastTimeMillis() {
        return nextTimeMillis - STEP_MILLIS;
    }

    /** Orders one batch at every replica; returns the replies, after checking all replicas gave the same. */
    List<Reply> order(List<Envelope<Request>> requests) {
        seq++;
        Execute batch = new Execute(seq, 0, nextTimeMillis, seq * 7919, requests, seq % CHECKPOINT_INTERVAL == 0);
        nextTimeMillis += STEP_MILLIS;
        List<Reply> first = null;
        for (SqlStateMachine m : machines) {
            List<Reply> replies = m.execute(batch).replies();
            if (first == null) {
                first = replies;
            } else {
                assertSameAnswers(replies, first);
            }
        }
        return first;
    }

    /**
     * Orders the replicas' threshold contributions, a batch at a time (an empty one lets time pass),
     * until {@code done}; fails after {@value #SETTLE_BATCHES_MAX} batches.
     */
    void settle(String what, BooleanSupplier done) {
        for (int batch = 0; batch < SETTLE_BATCHES_MAX; batch++) {
            if (done.getAsBoolean()) {
                return;
            }
            List<Envelope<Request>> contributions = new ArrayList<>();
            for (ThresholdHost host : hosts) {
                contributions.addAll(host.afterBatch(lastTimeMillis()));
            }
            order(contributions);
        }
        throw new AssertionError(what + ": not done after " + SETTLE_BATCHES_MAX + " batches");
    }

    /** Lets the replicas enroll their share-box keys, so that they can make keys. */
    void startThreshold() {
        settle("the replicas enroll", () -> ledger() != null
                && java.util.stream.IntStream.range(0, N).filter(r -> ledger().encryptionKey(r).isPresent()).count()
                >= N - F);
    }

    /** Starts the threshold facility, has {@code session} send an ordered request, and waits for the key. */
    JsonNode awaitKey(Session session, long electionId) {
        startThreshold();
        call(session, "{'op':'listElections'}"); // an ordered request asks for keys still due
        settle("the key of election " + electionId, () -> ledger().key(Elections.KEY_PREFIX + electionId).isPresent());
        return read(session, "{'op':'election','electionId':" + electionId + "}");
    }

    /**
     * Asks for the results ordered (the first ordered request after the close begins the tally),
     * settles until the decryption is done, and asks again ordered (which stores the counts).
     */
    JsonNode awaitResults(Session session, long electionId) {
        String results = "{'op':'results','electionId':" + electionId + "}";
        call(session, results);
        settle("the tally of election " + electionId,
                () -> read(session, results).path("tally").asText().equals("done"));
        return call(session, results);
    }

    private static void assertSameAnswers(List<Reply> replies, List<Reply> expected) {
        assertThat(replies).hasSameSizeAs(expected);
        for (int i = 0; i < replies.size(); i++) {
            assertThat(replies.get(i).status()).isEqualTo(expected.get(i).status());
            assertThat(replies.get(i).seq()).isEqualTo(expected.get(i).seq());
            assertThat(replies.get(i).result()).as("the same reply bytes at every replica")
                    .isEqualTo(expected.get(i).result());
        }
    }

    /** JSON written with single quotes, as JSON: every {@code '} becomes {@code "}. */
    static String json(String singleQuoted) {
        return singleQuoted.replace('\'', '"');
    }

    /** The key id of the next session, whose public key credentials must sign. */
    long nextSessionKey() {
        return nextKeyId;
    }

    /** The raw public key of session key {@code keyId}, as {@code authorize} receives it. */
    static byte[] sessionKey(long keyId) {
        return TestKeys.key(keyId).raw();
    }

    /** A Join of the next session key with these credentials; the reply, OK or REFUSED. */
    Reply join(byte[] credentials) {
        long keyId = nextKeyId++;
        return order(List.of(TestJoins.join(keyId, new String(credentials, StandardCharsets.UTF_8),
                nextTimeMillis + 60_000))).get(0);
    }

    /** A Join with credentials written single-quoted. */
    Reply join(String credentials) {
        return join(json(credentials).getBytes(StandardCharsets.UTF_8));
    }

    /** Enrolls {@code voter}'s credential with its code, signing in; fails the test if refused. */
    Session enroll(TestVoter voter) {
        long keyId = nextSessionKey();
        return session(keyId, join(JoinCredentials.enroll(voter.id(), voter.enrollmentKey(), voter.credential(),
                sessionKey(keyId))));
    }

    /** Signs {@code voter} in with its enrolled credential; fails the test if refused. */
    Session signIn(TestVoter voter) {
        long keyId = nextSessionKey();
        return session(keyId, join(JoinCredentials.signIn(voter.id(), voter.credential(), sessionKey(keyId))));
    }

    private static Session session(long keyId, Reply reply) {
        assertThat(reply.status()).as(text(reply.result())).isEqualTo(Reply.Status.OK);
        try {
            JoinResult result = Codec.decodeJoinResult(reply.result());
            return new Session(result.clientId(), keyId, result.identity());
        } catch (Exception e) {
            throw new AssertionError("not a join result: " + e, e);
        }
    }

    /**
     * A request of the session (single quotes become double ones: harmless in real JSON, which has
     * none here), numbered after its previous ones, not yet ordered.
     */
    Envelope<Request> request(Session session, Request.Kind kind, String operation) {
        long number = nextRequestNumber.merge(session.clientId(), 1L, Long::sum);
        return TestJoins.request(session.clientId(), session.keyId(), number, kind, json(operation));
    }

    /** The ordered request {@code {"op":"castBallot",…}} carrying {@code ballot}. */
    Envelope<Request> castRequest(Session session, long electionId, JsonNode ballot) {
        return request(session, Request.Kind.WRITE, castBallot(electionId, ballot));
    }

    static String castBallot(long electionId, JsonNode ballot) {
        return "{\"op\":\"castBallot\",\"electionId\":" + electionId + ",\"ballot\":" + ballot + "}";
    }

    /** Casts {@code ballot} in a batch of its own; its JSON reply. */
    JsonNode cast(Session session, long electionId, JsonNode ballot) {
        return call(session, castBallot(electionId, ballot));
    }

    /** Orders one write of the session in a batch of its own; its JSON reply. */
    JsonNode call(Session session, String operation) {
        Reply reply = order(List.of(request(session, Request.Kind.WRITE, operation))).get(0);
        assertThat(reply.status()).as(text(reply.result())).isEqualTo(Reply.Status.OK);
        return parse(reply.result());
    }

    /** An unordered read of the session, answered by every replica on its current state: the agreed JSON answer. */
    JsonNode read(Session session, String operation) {
        Envelope<Request> request = request(session, Request.Kind.READ, operation);
        Reply first = null;
        for (SqlStateMachine m : machines) {
            Reply reply = m.query(request, 0);
            if (first == null) {
                first = reply;
            } else {
                assertSameAnswers(List.of(reply), List.of(first));
            }
        }
        assertThat(first.status()).as(text(first.result())).isEqualTo(Reply.Status.OK);
        return parse(first.result());
    }

    /** Orders raw operation bytes of registered client 1000; its reply. */
    Reply orderFromRegisteredClient(String operation) {
        long number = nextRequestNumber.merge(REGISTERED_CLIENT, 1L, Long::sum);
        return order(List.of(Envelope.sign(new Request(REGISTERED_CLIENT, number, Request.Kind.WRITE,
                json(operation).getBytes(StandardCharsets.UTF_8)), TestKeys.signer(REGISTERED_CLIENT)))).get(0);
    }

    JsonNode parse(byte[] reply) {
        try {
            return json.readTree(reply);
        } catch (IOException e) {
            throw new UncheckedIOException("not a JSON reply: " + text(reply), e);
        }
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        machines.forEach(StateMachine::close);
    }
}
