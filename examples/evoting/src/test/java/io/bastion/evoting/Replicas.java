package io.bastion.evoting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bastion.core.TestKeys;
import io.bastion.core.execution.StateMachine;
import io.bastion.core.message.Codec;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.core.replica.Execute;
import io.bastion.core.session.JoinResult;
import io.bastion.core.session.SessionRequests;
import io.bastion.core.session.TestJoins;
import io.bastion.sql.SqlDatabase;
import io.bastion.sql.SqlService;
import io.bastion.sql.SqlStateMachine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replicas of the e-voting service for tests, driven like the protocol drives them: every batch
 * goes to all of them at the same agreed time, and every answer (ordered or not) must be the same
 * at all of them, byte for byte; the tests then look at one copy. Static client 1000 is registered
 * in the cluster; voters sign in as dynamic clients.
 *
 * <p>Operations and credentials are written with single quotes for readability ({@code
 * {'op':'turnout','electionId':1}}); {@link #json} turns them into the JSON that is sent.
 */
final class Replicas implements AutoCloseable {
    /** The agreed time of the first batch: 2026-01-01T00:00:00Z. */
    static final long T0 = 1_767_225_600_000L;
    static final long REGISTERED_CLIENT = 1000;
    private static final int CHECKPOINT_INTERVAL = 8;
    private static final long STEP_MILLIS = 1_000;

    private final List<SqlStateMachine> machines = new ArrayList<>();
    private final ObjectMapper json = new ObjectMapper();
    private final Map<Long, Long> nextRequestNumber = new HashMap<>();
    private long seq;
    private long nextTimeMillis = T0;
    private long nextKeyId = 7000;

    /** A signed-in voter: the session's client id and the key it joined with. */
    record Session(long clientId, long keyId, String identity) {}

    Replicas(Path directory, int count, Supplier<? extends SqlService> service) {
        for (int id = 0; id < count; id++) {
            machines.add(new SqlStateMachine(id, TestKeys.signer(id), service.get(), directory.resolve("r" + id),
                    SqlDatabase.Mode.DURABLE, CHECKPOINT_INTERVAL,
                    SessionRequests.of(TestKeys.cluster(1, 1), TestKeys.VERIFIER)));
        }
    }

    /** Four replicas of the demo service. */
    static Replicas demo(Path directory) {
        return new Replicas(directory, 4, EvotingService::withDemoData);
    }

    List<SqlStateMachine> machines() {
        return machines;
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

    /** The seed the primary proposed for batch {@code seq}. */
    static long batchSeed(long seq) {
        return seq * 7919;
    }

    /** Orders one batch at every replica; returns the replies, after checking all replicas gave the same. */
    List<Reply> order(List<Envelope<Request>> requests) {
        seq++;
        Execute batch = new Execute(seq, 0, nextTimeMillis, batchSeed(seq), requests, seq % CHECKPOINT_INTERVAL == 0);
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

    /** A Join with these credentials; the reply, OK or REFUSED. */
    Reply join(String credentials) {
        long keyId = nextKeyId++;
        return order(List.of(TestJoins.join(keyId, json(credentials), nextTimeMillis + 60_000))).get(0);
    }

    /** Signs {@code voter} in; fails the test if refused. */
    Session signIn(String voter, String secret) {
        long keyId = nextKeyId++;
        String credentials = json("{'voter':'" + voter + "','secret':'" + secret + "'}");
        Reply reply = order(List.of(TestJoins.join(keyId, credentials, nextTimeMillis + 60_000))).get(0);
        assertThat(reply.status()).as(text(reply.result())).isEqualTo(Reply.Status.OK);
        try {
            JoinResult result = Codec.decodeJoinResult(reply.result());
            return new Session(result.clientId(), keyId, result.identity());
        } catch (Exception e) {
            throw new AssertionError("not a join result: " + e, e);
        }
    }

    /** A request of the session, numbered after its previous ones, not yet ordered. */
    Envelope<Request> request(Session session, Request.Kind kind, String operation) {
        long number = nextRequestNumber.merge(session.clientId(), 1L, Long::sum);
        return TestJoins.request(session.clientId(), session.keyId(), number, kind, json(operation));
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
