package io.bastion.sim;

import io.bastion.core.message.BatchEntry;
import io.bastion.core.message.Commit;
import io.bastion.core.message.PrePrepare;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.ViewChange;
import io.bastion.core.replica.Event;
import io.bastion.core.replica.Output;
import io.bastion.core.replica.ReplicaStats.Counter;
import io.bastion.core.service.CounterService;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The batch time: a backup judges a proposed time against its own clock only while the proposal
 * is live. Batches met again later — replayed after a restart, re-proposed by a NEW-VIEW, or
 * installed by state transfer — keep their original time, however long ago that was.
 */
class AgreedTimeScenarioTest {
    private static final long HOUR = 3_600_000;
    private static final long SKEW = SimOptions.SIM_SETTINGS.clockSkewMaxMillis();
    private static final int R0 = 0;
    private static final int R3 = 3;

    private static boolean isClient(Simulation sim, int node) {
        return node >= sim.replicaCount();
    }

    private static long rejected(Simulation sim, int replica) {
        return sim.replica(replica).core().stats().get(Counter.PRE_PREPARES_REJECTED);
    }

    private static void assertNoCorrectReplicaRejectedAProposal(Simulation sim) {
        for (int i = 0; i < sim.replicaCount(); i++) {
            if (sim.replica(i).crashed()) {
                continue;
            }
            assertThat(rejected(sim, i)).as("proposals rejected by replica %d", i).isZero();
        }
    }

    /** {@link Simulation#run} measures liveness from the start; after an idle hour, from now. */
    private static SimResult finishAfterTheHour(Simulation sim) {
        assertThat(sim.runUntil(sim::allClientsFinished, 30_000)).as("every request completes").isTrue();
        return sim.result();
    }

    @Test
    void aLiveProposalWhoseTimeDoesNotFollowThePreviousBatchIsRejected() {
        Simulation sim = new Simulation(SimOptions.reliable(1).withClients(1, 3), 41);
        sim.run();
        var backup = sim.replica(1).core();
        assertThat(sim.runUntil(() -> backup.lastDelivered() == sim.result().batchesAgreed(), 1_000)).isTrue();
        long previous = sim.replica(1).engine().lastAgreedTime();
        assertThat(Math.abs(previous - backup.nowMillis())).as("the previous time is within the skew bound")
                .isLessThan(SKEW);
        Envelope<Request> request = Envelope.sign(new Request(Simulation.FIRST_CLIENT_ID, 100, false,
                CounterService.add(1)), SimulatedKeys.signer(Simulation.FIRST_CLIENT_ID));
        backup.step(new Event.Received(Event.FROM_CLIENT, request));
        Envelope<PrePrepare> sameTime = Envelope.sign(new PrePrepare(0, backup.lastDelivered() + 1, previous, 1,
                List.of(new BatchEntry(Simulation.FIRST_CLIENT_ID, 100, request.digest()))),
                SimulatedKeys.signer(R0));
        Output out = backup.step(new Event.Received(R0, sameTime));
        assertThat(out.sends).isEmpty();
        assertThat(backup.stats().get(Counter.PRE_PREPARES_REJECTED)).isEqualTo(1);
    }

    @Test
    void aReplicaRestartedAnHourLaterReplaysItsLogAndCatchesUp() {
        Simulation sim = new Simulation(SimOptions.reliable(1).withClients(2, 40), 23);
        assertThat(sim.runUntil(() -> sim.result().requestsAccepted() >= 30, 30_000)).isTrue();
        sim.crashReplica(R3);
        long crashedAt = sim.virtualMillis();
        SimResult result = sim.run();
        sim.runUntil(() -> false, HOUR);
        sim.restartReplica(R3);
        var restarted = sim.replica(R3).core();
        assertThat(sim.virtualMillis() - crashedAt).isGreaterThan(HOUR);
        assertThat(sim.runUntil(() -> restarted.lastDelivered() == result.batchesAgreed(), 10_000))
                .as("the restarted replica catches up").isTrue();
        assertThat(sim.replica(R3).service().value()).isEqualTo(sim.replica(R0).service().value());
        assertThat(sim.replica(R3).engine().lastAgreedTime()).as("the last batch ran before the hour")
                .isLessThan(Simulation.EPOCH_MILLIS + sim.virtualMillis() - HOUR);
        assertNoCorrectReplicaRejectedAProposal(sim);
    }

    @Test
    void aNewViewReproposesAnHourOldBatchWithItsOriginalTime() {
        Simulation sim = new Simulation(SimOptions.reliable(1).withClients(1, 1), 29);
        // the batch prepares everywhere but commits nowhere, and no view change can complete
        sim.setFilter((from, to, m) -> !(m.message() instanceof Commit) && !(m.message() instanceof ViewChange));
        sim.runUntil(() -> false, 500);
        long proposedBy = Simulation.EPOCH_MILLIS + sim.virtualMillis();
        assertThat(sim.replica(1).core().lastDelivered()).isZero();
        sim.crashReplica(R0);
        sim.runUntil(() -> false, HOUR);
        // view changes get through now; view 0's commits still do not, so only the re-proposal can commit it
        sim.setFilter((from, to, m) -> !(m.message() instanceof Commit c && c.view() == 0));
        assertThat(finishAfterTheHour(sim).requestsAccepted()).isEqualTo(1);
        for (int i = 1; i < sim.replicaCount(); i++) {
            SimReplica r = sim.replica(i);
            assertThat(r.core().view()).isPositive();
            assertThat(r.core().stats().get(Counter.NEW_VIEWS_ACCEPTED)).isPositive();
            assertThat(r.engine().lastAgreedTime()).as("the re-proposed batch keeps its time")
                    .isLessThanOrEqualTo(proposedBy + SKEW)
                    .isLessThan(Simulation.EPOCH_MILLIS + sim.virtualMillis() - HOUR);
        }
        assertNoCorrectReplicaRejectedAProposal(sim);
    }

    @Test
    void aReplicaAwayForAnHourInstallsTheStateByTransferAndThenAcceptsLiveProposals() {
        Simulation sim = new Simulation(SimOptions.reliable(1).withClients(2, 150), 31);
        sim.setFilter((from, to, m) -> from != R3 && to != R3);
        assertThat(sim.runUntil(() -> sim.result().requestsAccepted() >= 200, 60_000)).isTrue();
        // clients go quiet for an hour, then the replica returns and the remaining requests follow
        sim.setFilter((from, to, m) -> from != R3 && to != R3 && !isClient(sim, from) && !isClient(sim, to));
        sim.runUntil(() -> false, HOUR);
        long executedBeforeReturn = sim.replica(R3).core().lastDelivered();
        sim.setFilter(NetworkFilter.ALL);
        SimResult result = finishAfterTheHour(sim);
        var returned = sim.replica(R3).core();
        assertThat(sim.runUntil(() -> returned.lastDelivered() == result.batchesAgreed(), 10_000)).isTrue();
        assertThat(executedBeforeReturn).isLessThan(result.batchesAgreed() - SimOptions.SIM_SETTINGS.logSize());
        assertThat(returned.stats().get(Counter.STATE_TRANSFERS_DONE)).isPositive();
        assertThat(sim.replica(R3).service().value()).isEqualTo(sim.replica(R0).service().value());
        assertNoCorrectReplicaRejectedAProposal(sim);
    }
}
