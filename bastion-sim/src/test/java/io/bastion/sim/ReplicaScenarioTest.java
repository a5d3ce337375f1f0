package io.bastion.sim;

import io.bastion.core.crypto.Digest;
import io.bastion.core.message.BatchEntry;
import io.bastion.core.message.Commit;
import io.bastion.core.message.Prepare;
import io.bastion.core.message.PrePrepare;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.core.replica.Event;
import io.bastion.core.replica.Output;
import io.bastion.core.replica.ReplicaStats.Counter;
import io.bastion.core.service.CounterService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Scenarios that read like scripts: named replicas, scripted network, expected outcome. */
class ReplicaScenarioTest {
    private static final int R0 = 0;
    private static final int R2 = 2;
    private static final int R3 = 3;

    private static Simulation cluster(int clients, int requests) {
        return new Simulation(SimOptions.reliable(1).withClients(clients, requests), 99);
    }

    private static boolean allExecuted(Simulation sim, long seq) {
        for (int i = 0; i < sim.replicaCount(); i++) {
            if (sim.replica(i).core().lastDelivered() < seq) {
                return false;
            }
        }
        return true;
    }

    @Test
    void aBackupThatNeverHearsFromClientsFetchesTheBodiesFromPeers() {
        Simulation sim = cluster(3, 10);
        int firstClientNode = sim.replicaCount();
        sim.setFilter((from, to, message) -> !(from >= firstClientNode && to == R2));
        SimResult result = sim.run();
        assertThat(sim.runUntil(() -> allExecuted(sim, result.batchesAgreed()), 2_000)).isTrue();
        assertThat(sim.replica(R2).core().stats().get(Counter.FETCHES_SENT)).isPositive();
        assertThat(sim.replica(R2).service().value()).isEqualTo(sim.replica(R0).service().value());
    }

    @Test
    void aBackupCutOffFromThePrimaryCatchesUpThroughItsPeers() {
        Simulation sim = cluster(3, 10);
        sim.setFilter((from, to, message) -> !(from == R0 && to == R2));
        SimResult result = sim.run();
        assertThat(sim.runUntil(() -> allExecuted(sim, result.batchesAgreed()), 5_000)).isTrue();
        assertThat(sim.replica(R2).service().value()).isEqualTo(sim.replica(R0).service().value());
    }

    @Test
    void aSilentBackupDoesNotStopTheCluster() {
        Simulation sim = cluster(3, 10);
        sim.setFilter((from, to, message) -> from != R3 && to != R3);
        SimResult result = sim.run();
        assertThat(result.requestsAccepted()).isEqualTo(30);
        assertThat(sim.replica(R3).core().lastDelivered()).isZero();
    }

    @Test
    void aRetransmittedRequestGetsTheCachedReplyAndAnOlderOneIsIgnored() {
        Simulation sim = cluster(1, 3);
        sim.run();
        assertThat(sim.runUntil(() -> allExecuted(sim, 3), 1_000)).isTrue();
        var replica = sim.replica(1);
        long last = replica.core().clientTable().get(Simulation.FIRST_CLIENT_ID);
        Envelope<Request> again = Envelope.sign(new Request(Simulation.FIRST_CLIENT_ID, last, false,
                CounterService.add(5)), SimulatedKeys.signer(Simulation.FIRST_CLIENT_ID));
        Output out = replica.core().step(new Event.Received(Event.FROM_CLIENT, again));
        assertThat(out.resendReplies).containsExactly(new Output.ResendReply(Simulation.FIRST_CLIENT_ID, last, 0));
        assertThat(replica.engine().cachedReply(Simulation.FIRST_CLIENT_ID, last, 0)).isNotNull();

        Envelope<Request> older = Envelope.sign(new Request(Simulation.FIRST_CLIENT_ID, last - 1, false,
                CounterService.add(5)), SimulatedKeys.signer(Simulation.FIRST_CLIENT_ID));
        long oldBefore = replica.core().stats().get(Counter.REQUESTS_OLD);
        Output ignored = replica.core().step(new Event.Received(Event.FROM_CLIENT, older));
        assertThat(ignored.resendReplies).isEmpty();
        assertThat(ignored.executes).isEmpty();
        assertThat(replica.core().stats().get(Counter.REQUESTS_OLD)).isEqualTo(oldBefore + 1);
    }

    @Test
    void checkpointsBecomeStableAndBoundTheLog() {
        Simulation sim = cluster(4, 30);
        SimResult result = sim.run();
        assertThat(sim.runUntil(() -> allExecuted(sim, result.batchesAgreed()), 2_000)).isTrue();
        int interval = SimOptions.SIM_SETTINGS.checkpointInterval();
        for (int i = 0; i < sim.replicaCount(); i++) {
            var core = sim.replica(i).core();
            assertThat(core.lastStable()).isPositive().isGreaterThan(result.batchesAgreed() - 3L * interval);
            assertThat(core.logSlots()).isLessThanOrEqualTo(SimOptions.SIM_SETTINGS.logSize() + interval);
            assertThat(core.stats().get(Counter.CHECKPOINTS_STABLE)).isPositive();
        }
    }

    @Test
    void requestsArrivingWhileThePipelineIsFullShareBatches() {
        Simulation sim = new Simulation(SimOptions.reliable(1).withClients(12, 10)
                .withSettings(SimOptions.SIM_SETTINGS.withBatching(16, 1)), 5);
        SimResult result = sim.run();
        assertThat(result.requestsAccepted()).isEqualTo(120);
        assertThat(result.batchesAgreed()).isLessThan(100);
    }

    /**
     * With a service that takes 10 ms per request, the requests that arrive while one batch
     * executes go together in the next: batches hold several requests, not one each, and every
     * request is still answered.
     */
    @Test
    void aSlowServiceGetsFullerBatches() {
        SimResult result = new Simulation(SimOptions.reliable(1).withClients(6, 20)
                .withExecutionMillisPerRequest(10), 5).run();
        assertThat(result.requestsAccepted()).isEqualTo(120);
        // 3.5 here; 2.1 when a small batch went as soon as the one ahead had committed, whatever the executor's lag
        assertThat((double) result.requestsAccepted() / result.batchesAgreed()).as("requests per batch")
                .isGreaterThan(3.0);
    }

    /**
     * The primary proposes a lone batch at once, whatever its size; a batch behind one in flight
     * only once {@code pipelineBatchMin} requests wait for it (here 3), and then with all of them.
     */
    @ParameterizedTest(name = "pipelineBatchMin {0}")
    @CsvSource({"1, '1,1,0,0'", "3, '1,0,0,3'"})
    void aBatchBehindOneInFlightWaitsForPipelineBatchMinRequests(int pipelineBatchMin, String expected) {
        Simulation sim = new Simulation(SimOptions.reliable(1).withClients(4, 1).withSettings(SimOptions.SIM_SETTINGS
                .toBuilder().inFlightBatchesMax(2).pipelineBatchMin(pipelineBatchMin).build()), 99);
        sim.run();
        assertThat(sim.runUntil(() -> allExecuted(sim, sim.replica(R0).core().lastDelivered()), 1_000)).isTrue();
        var primary = sim.replica(R0).core();
        List<Integer> proposed = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            long client = Simulation.FIRST_CLIENT_ID + i;
            Envelope<Request> request = Envelope.sign(new Request(client, 100, false, CounterService.add(1)),
                    SimulatedKeys.signer(client));
            // the primary alone: nothing it sends is delivered, so its first batch stays in flight
            Output out = primary.step(new Event.Received(Event.FROM_CLIENT, request));
            proposed.add(out.sends.stream().filter(send -> send.message().message() instanceof PrePrepare)
                    .mapToInt(send -> ((PrePrepare) send.message().message()).entries().size()).sum());
        }
        assertThat(proposed).as("requests proposed as each of four arrives")
                .containsExactlyElementsOf(Arrays.stream(expected.split(",")).map(Integer::valueOf).toList());
    }

    /** The votes of the replicas slower than the quorum arrive after execution: counted apart, not as another view's. */
    @Test
    void agreementMessagesForAnExecutedBatchAreCountedAsLateNotAsWrongView() {
        Simulation sim = cluster(1, 3);
        sim.run();
        assertThat(sim.runUntil(() -> allExecuted(sim, 3), 1_000)).isTrue();
        var backup = sim.replica(1).core();
        long executed = backup.lastDelivered();
        long lateBefore = backup.stats().get(Counter.MESSAGES_AFTER_EXECUTION);
        long wrongViewBefore = backup.stats().get(Counter.MESSAGES_WRONG_VIEW);
        Digest any = Digest.sha256(new byte[] {1});

        backup.step(new Event.Received(R2, Envelope.sign(new Prepare(R2, 0, executed, any), SimulatedKeys.signer(R2))));
        backup.step(new Event.Received(R3, Envelope.unsigned(new Commit(R3, 0, executed, any))));
        backup.step(new Event.Received(R2, Envelope.sign(new Prepare(R2, 1, executed + 1, any), SimulatedKeys.signer(R2))));

        assertThat(backup.stats().get(Counter.MESSAGES_AFTER_EXECUTION)).isEqualTo(lateBefore + 2);
        assertThat(backup.stats().get(Counter.MESSAGES_WRONG_VIEW)).as("a PREPARE of view 1 in view 0")
                .isEqualTo(wrongViewBefore + 1);
    }

    @Test
    void backupsRejectAProposalWhoseTimeIsFarFromTheirClocks() {
        Simulation sim = cluster(1, 1);
        sim.run();
        var backup = sim.replica(1).core();
        long seq = backup.lastDelivered() + 1;
        Envelope<Request> request = Envelope.sign(new Request(Simulation.FIRST_CLIENT_ID, 100, false,
                CounterService.add(1)), SimulatedKeys.signer(Simulation.FIRST_CLIENT_ID));
        backup.step(new Event.Received(Event.FROM_CLIENT, request));
        long stale = backup.nowMillis() - 10 * SimOptions.SIM_SETTINGS.clockSkewMaxMillis();
        Envelope<PrePrepare> proposal = Envelope.sign(new PrePrepare(0, seq, stale, 1, List.of(
                new BatchEntry(Simulation.FIRST_CLIENT_ID, 100, request.digest()))), SimulatedKeys.signer(R0));
        Output out = backup.step(new Event.Received(R0, proposal));
        assertThat(out.sends).isEmpty();
        assertThat(backup.stats().get(Counter.PRE_PREPARES_REJECTED)).isEqualTo(1);
    }

    @Test
    void aSecondDifferentProposalForTheSameSequenceNumberIsIgnoredAndCounted() {
        Simulation sim = cluster(1, 1);
        sim.run();
        var backup = sim.replica(1).core();
        long seq = backup.lastDelivered() + 1;
        long now = backup.nowMillis();
        Envelope<PrePrepare> first = Envelope.sign(new PrePrepare(0, seq, now, 1, List.of()), SimulatedKeys.signer(R0));
        Envelope<PrePrepare> second = Envelope.sign(new PrePrepare(0, seq, now, 2, List.of()), SimulatedKeys.signer(R0));
        Output accepted = backup.step(new Event.Received(R0, first));
        assertThat(accepted.sends).hasSize(1);
        assertThat(accepted.persist).extracting(Output.Persist::message).contains(accepted.sends.get(0).message());
        Output ignored = backup.step(new Event.Received(R0, second));
        assertThat(ignored.sends).isEmpty();
        assertThat(backup.stats().get(Counter.EQUIVOCATIONS_SEEN)).isEqualTo(1);
    }
}
