package io.bastion.core.execution;

import io.bastion.core.session.SessionRequests;
import io.bastion.core.session.TestJoins;
import io.bastion.core.message.Codec;
import io.bastion.core.TestKeys;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.core.replica.Execute;
import io.bastion.core.service.Service;
import io.bastion.core.service.ServiceContext;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ExecutionEngineTest {
    /** Appends written words; a read answers what was written so far. */
    private static class Journal implements Service {
        private final StringBuilder text = new StringBuilder();

        @Override
        public byte[] execute(byte[] operation, ServiceContext context) {
            text.append(new String(operation, StandardCharsets.UTF_8)).append(' ');
            return "written".getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public byte[] query(byte[] operation, ServiceContext context) {
            return ("read: " + text.toString().strip()).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public byte[] snapshot() {
            return text.toString().getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public void restore(byte[] snapshot) {
            text.setLength(0);
            text.append(new String(snapshot, StandardCharsets.UTF_8));
        }
    }

    private static Envelope<Request> request(long client, Request.Kind kind, String operation) {
        return Envelope.sign(new Request(client, 1, kind, operation.getBytes(StandardCharsets.UTF_8)),
                TestKeys.signer(client));
    }

    @Test
    void anOrderedReadIsAnsweredByTheReadOnlyFunctionAtItsPlaceInTheBatch() {
        Journal journal = new Journal();
        ExecutionEngine engine = new ExecutionEngine(0, TestKeys.signer(0), journal, 1024,
                SessionRequests.of(TestKeys.cluster(1, 0), TestKeys.VERIFIER));
        StateMachine.Result result = engine.execute(new Execute(1, 0, 1_000, 7, List.of(
                request(1000, Request.Kind.WRITE, "alpha"),
                request(1001, Request.Kind.ORDERED_READ, "anything"),
                request(1002, Request.Kind.WRITE, "beta")), false));
        assertThat(result.replies()).extracting(r -> new String(r.result(), StandardCharsets.UTF_8))
                .containsExactly("written", "read: alpha", "written");
        assertThat(journal.text.toString().strip()).as("the read changed nothing").isEqualTo("alpha beta");
        assertThat(engine.cachedReply(1001, 1, 0)).as("its reply is cached like any ordered one").isNotNull();
    }

    @Test
    void sessionsTravelInTheStateBytesAndEndedSessionsLeaveNoExactlyOnceEntry() throws Exception {
        long t = 1_767_225_600_000L;
        ExecutionEngine engine = new ExecutionEngine(0, TestKeys.signer(0), new io.bastion.core.service.CounterService(),
                1024, SessionRequests.of(TestKeys.cluster(1, 0), TestKeys.VERIFIER));
        Envelope<Request> join = TestJoins.join(7001, "carol", t + 60_000);
        assertThat(engine.repeatJoin(join, 0)).as("never executed: it must be ordered").isNull();
        StateMachine.Result joined = engine.execute(new Execute(1, 0, t, 1, List.of(join), false));
        long carol = Codec.decodeJoinResult(joined.replies().get(0).result()).clientId();
        io.bastion.core.message.Reply repeated = engine.repeatJoin(join, 0);
        assertThat(repeated.result()).as("a retransmitted Join gets its answer without ordering")
                .isEqualTo(joined.replies().get(0).result());
        assertThat(repeated.status()).isEqualTo(io.bastion.core.message.Reply.Status.OK);
        Envelope<Request> add = Envelope.sign(new Request(carol, 1, Request.Kind.WRITE,
                io.bastion.core.service.CounterService.add(5)), TestKeys.signer(7001));
        StateMachine.Result first = engine.execute(new Execute(2, 0, t + 1, 2, List.of(add), false));
        StateMachine.Result again = engine.execute(new Execute(3, 0, t + 2, 3, List.of(add), false));
        assertThat(again.replies()).as("ordered again: the same reply, not a second addition")
                .extracting(r -> List.of(r.status(), io.bastion.core.service.CounterService.decode(r.result())))
                .containsExactly(List.of(first.replies().get(0).status(), 5L));
        assertThat(engine.clientTable()).as("sessions stay out of the replica's table").isEmpty();

        ExecutionEngine copy = new ExecutionEngine(0, TestKeys.signer(0), new io.bastion.core.service.CounterService(),
                1024, SessionRequests.of(TestKeys.cluster(1, 0), TestKeys.VERIFIER));
        copy.restore(3, engine.stateBytes());
        assertThat(copy.liveSessions()).isEqualTo(engine.liveSessions()).hasSize(1);
        assertThat(copy.stateBytes()).isEqualTo(engine.stateBytes());

        StateMachine.Result left = engine.execute(new Execute(4, 0, t + 3, 4, List.of(Envelope.sign(
                new Request(carol, 2, Request.Kind.LEAVE, new byte[0]), TestKeys.signer(7001))), false));
        assertThat(left.forgotten()).contains(carol);
        assertThat(engine.repeatJoin(join, 0)).as("its session is over: ordering decides").isNull();
        assertThat(engine.liveSessions()).isEmpty();
        StateMachine.Result late = engine.execute(new Execute(5, 0, t + 4, 5, List.of(add), false));
        assertThat(late.replies().get(0).status()).isEqualTo(io.bastion.core.message.Reply.Status.REFUSED);
        assertThat(engine.cachedReply(carol, 1, 0)).as("nothing kept for an ended session").isNull();
    }

    /** A service call that throws answers an error; the batch goes on and the next batch runs too. */
    @Test
    void anOperationThatThrowsIsAnsweredWithAnErrorAndTheBatchGoesOn() {
        Journal journal = new Journal() {
            @Override
            public byte[] execute(byte[] operation, ServiceContext context) {
                if (new String(operation, StandardCharsets.UTF_8).equals("poison")) {
                    throw new IllegalStateException("cannot digest this");
                }
                return super.execute(operation, context);
            }
        };
        ExecutionEngine engine = new ExecutionEngine(0, TestKeys.signer(0), journal, 1024,
                SessionRequests.of(TestKeys.cluster(1, 0), TestKeys.VERIFIER));
        StateMachine.Result result = engine.execute(new Execute(1, 0, 1_000, 7, List.of(
                request(1000, Request.Kind.WRITE, "alpha"),
                request(1001, Request.Kind.WRITE, "poison"),
                request(1002, Request.Kind.WRITE, "beta")), false));
        assertThat(result.replies()).extracting(r -> new String(r.result(), StandardCharsets.UTF_8))
                .containsExactly("written", "error: IllegalStateException: cannot digest this", "written");
        assertThat(engine.execute(new Execute(2, 0, 1_001, 8, List.of(request(1003, Request.Kind.WRITE, "gamma")),
                false)).replies()).hasSize(1);
        assertThat(journal.text.toString().strip()).isEqualTo("alpha beta gamma");
    }
}
