package io.bastion.core.execution;

import io.bastion.core.session.SessionRequests;
import io.bastion.core.TestKeys;
import io.bastion.core.message.Request;
import io.bastion.core.message.Signed;
import io.bastion.core.replica.Execute;
import io.bastion.core.service.Service;
import io.bastion.core.service.ServiceContext;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ExecutionEngineTest {
    /** Appends written words; a read answers what was written so far. */
    private static final class Journal implements Service {
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

    private static Signed<Request> request(long client, Request.Kind kind, String operation) {
        return Signed.sign(new Request(client, 1, kind, operation.getBytes(StandardCharsets.UTF_8)),
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
}
