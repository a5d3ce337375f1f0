package io.bastion.core.execution;

import io.bastion.core.TestKeys;
import io.bastion.core.message.Codec;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.replica.Execute;
import io.bastion.core.service.Authorization;
import io.bastion.core.service.ServiceContext;
import io.bastion.core.session.JoinRequest;
import io.bastion.core.session.Session;
import io.bastion.core.session.SessionRequests;
import io.bastion.core.session.SessionSettings;
import io.bastion.core.session.Sessions;
import io.bastion.core.session.TestJoins;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** The rules both state machines follow, over steps that record what they are asked. */
class ExecutionRulesTest {
    private static final long T = 1_767_225_600_000L;

    /** A reply cache in a map and a service that answers with the operation; every call written down. */
    private static final class Recording implements ExecutionRules.Steps<RuntimeException> {
        final List<String> calls = new ArrayList<>();
        final List<ServiceContext> contexts = new ArrayList<>();
        final Map<Long, CachedReply> cache = new HashMap<>();

        @Override
        public CachedReply lastReply(long clientId) {
            return cache.get(clientId);
        }

        @Override
        public void begin(int position, ServiceContext context) {
            calls.add("begin " + position);
        }

        @Override
        public void sessionsChanged(Sessions.Changes changes) {
            calls.add("sessions");
        }

        @Override
        public byte[] execute(Request r, ServiceContext context) {
            contexts.add(context);
            calls.add("execute");
            return ("did " + text(r.operationUnsafe())).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public byte[] orderedRead(Request r, ServiceContext context) {
            calls.add("read");
            return "read".getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public void cache(long clientId, CachedReply reply) {
            calls.add("cache " + clientId);
            cache.put(clientId, reply);
        }

        @Override
        public void forget(List<Long> clientIds) {
            calls.add("forget " + clientIds);
            clientIds.forEach(cache::remove);
        }
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static ExecutionRules rules() {
        return new ExecutionRules(new ReplySigner(0, TestKeys.signer(0)),
                SessionRequests.of(TestKeys.cluster(1, 0), TestKeys.VERIFIER), new SessionRequests.Hooks() {
                    @Override
                    public Authorization authorize(JoinRequest join, ServiceContext context) {
                        return Authorization.credentialsAsIdentity(join.credentials());
                    }

                    @Override
                    public void sessionEnded(Session session, Sessions.EndReason reason, ServiceContext context) {}
                });
    }

    private static Envelope<Request> write(long client, long number, String operation) {
        return Envelope.sign(new Request(client, number, Request.Kind.WRITE, operation.getBytes(StandardCharsets.UTF_8)),
                TestKeys.signer(client));
    }

    @Test
    void aRequestGoesThroughTheStepsInTheirOrderAndItsReplyIsCached() {
        ExecutionRules rules = rules();
        Recording steps = new Recording();
        Execute batch = new Execute(1, 0, T, 7, List.of(write(1000, 1, "a"),
                Envelope.sign(new Request(1001, 1, Request.Kind.ORDERED_READ, new byte[0]), TestKeys.signer(1001))),
                false);
        StateMachine.Result result = rules.result(rules.apply(batch, 0, steps), null);
        assertThat(steps.calls).containsExactly("begin 0", "sessions", "execute", "cache 1000",
                "begin 1", "sessions", "read", "cache 1001", "forget []", "sessions");
        assertThat(result.replies()).extracting(r -> text(r.result())).containsExactly("did a", "read");
        assertThat(steps.cache.get(1000L)).extracting(CachedReply::seq, CachedReply::requestNumber).containsExactly(1L, 1L);
        assertThat(rules.cachedReply(1000, 1, steps.cache.get(1000L), 3))
                .as("signed again in the view asked, with the batch's seq")
                .extracting(Reply::view, Reply::seq, r -> text(r.result())).containsExactly(3, 1L, "did a");
        assertThat(rules.cachedReply(1000, 2, steps.cache.get(1000L), 3)).as("another number: nothing").isNull();
        assertThat(rules.cachedReply(1002, 1, null, 3)).as("nothing cached").isNull();
    }

    @Test
    void aSessionsRequestOrderedAgainGetsItsCachedReplyAndAnOlderOneNothing() throws Exception {
        ExecutionRules rules = rules();
        Recording steps = new Recording();
        Envelope<Request> join = TestJoins.join(7001, "carol", T + 60_000);
        StateMachine.Result joined = rules.result(rules.apply(new Execute(1, 0, T, 1, List.of(join), false), 0, steps),
                null);
        long carol = Codec.decodeJoinResult(joined.replies().get(0).result()).clientId();
        assertThat(joined.forgotten()).as("the Join's provisional id keeps no reply")
                .containsExactly(join.message().clientId());
        assertThat(rules.repeatJoin(join, 0).result()).isEqualTo(joined.replies().get(0).result());
        rules.apply(new Execute(2, 0, T + 1, 2, List.of(TestJoins.request(carol, 7001, 2, Request.Kind.WRITE, "x")),
                false), 1, steps);

        steps.calls.clear();
        steps.contexts.clear();
        ExecutionRules.Applied again = rules.apply(new Execute(3, 0, T + 2, 3, List.of(
                TestJoins.request(carol, 7001, 2, Request.Kind.WRITE, "x"),
                TestJoins.request(carol, 7001, 1, Request.Kind.WRITE, "older"),
                TestJoins.request(carol, 7001, 3, Request.Kind.WRITE, "y")), false), 2, steps);
        assertThat(again.replies()).extracting(ReplySigner.Unsigned::requestNumber, r -> text(r.result()))
                .containsExactly(tuple(2L, "did x"), tuple(3L, "did y"));
        assertThat(steps.calls).as("only the new request runs, at position 2")
                .containsExactly("begin 2", "sessions", "execute", "cache " + carol, "forget []", "sessions");
        assertThat(steps.contexts).extracting(ServiceContext::index, ServiceContext::identity)
                .as("numbered among the requests that run, with the session's identity")
                .containsExactly(tuple(0, "carol"));
    }

    @Test
    void aReadRunsOnTheCurrentStateAndASessionThatIsNotLiveIsToldSo() {
        ExecutionRules rules = rules();
        List<ServiceContext> reads = new ArrayList<>();
        Envelope<Request> registered = Envelope.sign(new Request(1000, 5, true, new byte[0]), TestKeys.signer(1000));
        Reply answered = rules.query(registered, 2, T, (r, context) -> {
            reads.add(context);
            return "state".getBytes(StandardCharsets.UTF_8);
        });
        assertThat(answered).extracting(Reply::status, Reply::view, Reply::seq, r -> text(r.result()))
                .containsExactly(Reply.Status.OK, 2, -1L, "state");
        assertThat(reads).extracting(ServiceContext::seq, ServiceContext::timeMillis).containsExactly(tuple(-1L, T));

        long gone = SessionSettings.FIRST_DYNAMIC_CLIENT_ID + 5;
        Reply ended = rules.query(Envelope.sign(new Request(gone, 1, true, new byte[0]), TestKeys.signer(7001)), 2, T,
                (r, context) -> {
                    throw new AssertionError("the service is not asked");
                });
        assertThat(ended).extracting(Reply::status, r -> text(r.result()))
                .containsExactly(Reply.Status.REFUSED, SessionRequests.SESSION_ENDED);
    }
}
