package io.bastion.sim;

import io.bastion.core.message.Commit;
import io.bastion.core.message.Prepare;
import io.bastion.core.message.RequestBodies;
import io.bastion.core.message.ViewChange;
import io.bastion.core.replica.Replica;
import io.bastion.core.replica.ReplicaStats.Counter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faulty clients and faulty peers, each scripted against named replicas: what one of them does
 * must neither stall the cluster, nor trigger needless view changes, nor make a correct replica
 * contradict itself.
 */
class FaultyParticipantScenarioTest {
    private static final int R0 = 0;
    private static final int R1 = 1;
    private static final int R2 = 2;
    private static final int R3 = 3;

    private static boolean isPrimaryNow(Simulation sim, int replica) {
        SimReplica r = sim.replica(replica);
        return !r.crashed() && r.core().isPrimary();
    }

    private static void assertNoViewChangeAnywhere(Simulation sim) {
        for (int i = 0; i < sim.replicaCount(); i++) {
            assertThat(sim.replica(i).core().view()).as("view of replica %d", i).isZero();
            assertThat(sim.replica(i).core().stats().get(Counter.VIEW_CHANGES_STARTED))
                    .as("view changes started by replica %d", i).isZero();
        }
    }

    /**
     * A client sends every request to every replica but the current primary. The backups relay
     * it; the primary orders it; nobody suspects a primary that never had the request.
     */
    @Test
    void aClientThatSkipsThePrimaryCannotForceAViewChange() {
        Simulation sim = new Simulation(SimOptions.reliable(1).withClients(1, 10), 51);
        int clientNode = sim.replicaCount();
        sim.setFilter((from, to, m) -> !(from == clientNode && to < sim.replicaCount() && isPrimaryNow(sim, to)));
        SimResult result = sim.run();
        assertThat(result.requestsAccepted()).isEqualTo(10);
        assertNoViewChangeAnywhere(sim);
        long relayed = 0;
        for (int i = R1; i <= R3; i++) {
            relayed += sim.replica(i).core().stats().get(Counter.REQUESTS_RELAYED);
        }
        assertThat(relayed).as("requests the backups relayed to the primary").isGreaterThanOrEqualTo(10);
    }

    /**
     * One faulty client of each kind attacks for as long as four honest clients work, on a
     * reliable network with correct replicas: the honest clients finish and no view changes.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = ClientBehaviour.class, names = "HONEST", mode = EnumSource.Mode.EXCLUDE)
    void oneFaultyClientCausesNoViewChangeAndHonestClientsFinish(ClientBehaviour attack) {
        for (long seed = 1; seed <= 5; seed++) {
            Simulation sim = new Simulation(SimOptions.reliable(1).withClients(4, 30).withFaultyClients(1, attack), seed);
            SimResult result = sim.run();
            assertThat(result.requestsAccepted()).as("seed %d", seed).isGreaterThanOrEqualTo(120);
            assertNoViewChangeAnywhere(sim);
        }
    }

    /**
     * R3 alone asks for view 1 (its client's request never reaches the primary, nor can R3 relay
     * it), keeps learning committed batches of view 0 until a checkpoint becomes stable, and then
     * loses power. After the restart it must still be in view 1: a PREPARE or COMMIT of view 0
     * after its VIEW-CHANGE would break the quorum intersection view changes rely on.
     */
    @Test
    void aReplicaThatAskedForANewViewNeverVotesInTheOldOneAgainAfterARestart() {
        Simulation sim = new Simulation(SimOptions.reliable(1).withClients(2, 3_000), 61);
        int victimClient = sim.replicaCount();
        int[] askedFor = {0};
        List<String> contradictions = new ArrayList<>();
        sim.setFilter((from, to, m) -> {
            if (from == R3) {
                switch (m.message()) {
                    case ViewChange v -> askedFor[0] = Math.max(askedFor[0], v.newView());
                    case Prepare p when p.view() < askedFor[0] -> contradictions.add(m.message().toString());
                    case Commit c when c.view() < askedFor[0] -> contradictions.add(m.message().toString());
                    default -> { }
                }
            }
            boolean victimsRequestToOthers = from == victimClient && to != R3;
            boolean primaryToR3 = from == R0 && to == R3;
            boolean relayToPrimary = from == R3 && to == R0 && m.message() instanceof RequestBodies;
            return !victimsRequestToOthers && !primaryToR3 && !relayToPrimary;
        });
        Replica[] r3 = {sim.replica(R3).core()};
        assertThat(sim.runUntil(() -> r3[0].viewChanging() && r3[0].view() == 1, 60_000))
                .as("R3 asks for view 1 on its own").isTrue();
        long stableWhenAsking = r3[0].lastStable();
        assertThat(sim.runUntil(() -> r3[0].lastStable() > stableWhenAsking, 60_000))
                .as("a checkpoint becomes stable at R3 while it waits for view 1").isTrue();
        assertThat(sim.replica(R0).core().view()).as("the others stay in view 0").isZero();

        sim.crashReplica(R3);
        sim.restartReplica(R3);
        r3[0] = sim.replica(R3).core();
        assertThat(r3[0].view()).as("R3's view after the restart").isEqualTo(1);
        assertThat(r3[0].viewChanging()).isTrue();
        sim.runUntil(() -> false, 3_000); // the cluster keeps working in view 0 around R3
        assertThat(contradictions).as("R3's votes in a view it left").isEmpty();
    }

    /**
     * The old primary's clock runs 2.3 s ahead and the new one's 2.3 s behind (both inside the
     * 5 s skew bound). The NEW-VIEW re-proposes batches with the old primary's times; the new
     * primary's first fresh proposal must follow them, or its backups rightly reject it and
     * replace a correct primary.
     */
    @Test
    void aCorrectNewPrimaryWithASlowClockProposesTimesThatFollowItsReproposals() {
        Simulation sim = new Simulation(SimOptions.reliable(1).withClients(3, 30), 71, Map.of(),
                Map.of(R0, 2_300L, R1, -2_300L, R2, 0L, R3, 0L));
        assertThat(sim.runUntil(() -> sim.result().requestsAccepted() >= 20, 30_000)).isTrue();
        // batches prepare at R2 and R3 but commit nowhere; R1 never sees them
        sim.setFilter((from, to, m) -> !(m.message() instanceof Commit) && !(from == R0 && to == R1));
        sim.runUntil(() -> false, 200);
        sim.setFilter((from, to, m) -> !(m.message() instanceof Commit) && from != R0 && to != R0);
        assertThat(sim.runUntil(() -> sim.replica(R1).core().view() == 1, 20_000)).isTrue();
        sim.setFilter((from, to, m) -> from != R0 && to != R0);
        assertThat(sim.runUntil(sim::allClientsFinished, 30_000)).as("every request completes").isTrue();
        for (int i = R1; i <= R3; i++) {
            var core = sim.replica(i).core();
            assertThat(core.view()).as("view of replica %d", i).isEqualTo(1);
            assertThat(core.stats().get(Counter.PRE_PREPARES_REJECTED)).as("proposals rejected by %d", i).isZero();
        }
    }

    /**
     * The primary sends R1 another batch than the one R2 and R3 prepare and commit. R1 must
     * still execute the committed batches (its copy can never prepare), also after load ends.
     */
    @Test
    void aBackupGivenAnotherBatchByAnEquivocatingPrimaryStillLearnsTheCommittedOne() {
        Simulation sim = new Simulation(SimOptions.reliable(1).withClients(3, 20), 81,
                Map.of(R0, Behaviour.EQUIVOCATE_ONE));
        SimResult result = sim.run();
        assertThat(result.requestsAccepted()).isEqualTo(60);
        var r1 = sim.replica(R1).core();
        assertThat(sim.runUntil(() -> r1.lastDelivered() == sim.result().batchesAgreed(), 20_000))
                .as("R1 executes every committed batch (at %d of %d)", r1.lastDelivered(), sim.result().batchesAgreed())
                .isTrue();
        assertThat(sim.replica(R1).service().value()).isEqualTo(sim.replica(R2).service().value());
        assertThat(r1.stats().get(Counter.DECIDED_BATCHES_ADOPTED)).as("batches R1 took from the commits").isPositive();
    }

    /**
     * R0, the primary, lies to R1 only: its COMMITs to R1 name batches nobody proposed. R1 alone
     * asks for view 1 (its client's requests reach only R1, and R1 cannot relay them), so it votes
     * in view 0 no more, while R0, R2 and R3 go on committing there. At R1 the COMMITs of R2 and R3
     * are one short of 2f+1 and R0's name other batches (as do its DECIDEDs): R1 must learn each
     * batch from what R2 and R3 say is decided there (f+1 DECIDEDs), not wait for a checkpoint,
     * which a quiet cluster may never reach (the last batches here are past the last one).
     */
    @Test
    void aReplicaAloneInAViewChangeLearnsBatchesAFaultyReplicaLiedToItAbout() {
        Simulation sim = new Simulation(SimOptions.reliable(1).withClients(2, 203), 91,
                Map.of(R0, Behaviour.EQUIVOCATE_BACKUP)); // a lone faulty R0 picks on R1
        int victimClient = sim.replicaCount();
        sim.setFilter((from, to, m) -> !(from == victimClient && to != R1)
                && !(from == R1 && to == R0 && m.message() instanceof RequestBodies));
        var r1 = sim.replica(R1).core();
        assertThat(sim.runUntil(() -> r1.viewChanging() && r1.view() == 1, 60_000))
                .as("R1 asks for view 1 on its own").isTrue();
        long executedWhenAsking = r1.lastDelivered();
        SimClient other = sim.client(1);
        assertThat(sim.runUntil(other::finished, 60_000)).as("the other client's requests complete").isTrue();
        var r2 = sim.replica(R2).core();
        assertThat(r2.lastDelivered()).as("batches committed after R1 left view 0")
                .isGreaterThan(executedWhenAsking + 1);
        assertThat(r2.lastDelivered() % sim.config().settings().checkpointInterval())
                .as("batches after the last checkpoint").isPositive();
        assertThat(sim.runUntil(() -> r1.lastDelivered() == r2.lastDelivered(), 10_000))
                .as("R1 executes every committed batch (at %d of %d)", r1.lastDelivered(), r2.lastDelivered()).isTrue();
        assertThat(r1.viewChanging()).as("R1 still waits for view 1").isTrue();
        assertThat(r2.view()).as("the others stay in view 0").isZero();
        assertThat(r1.stats().get(Counter.STATE_TRANSFERS_STARTED)).as("state transfers by R1").isZero();
        assertThat(r1.stats().get(Counter.BATCHES_LEARNED_DECIDED)).as("batches R1 learned from DECIDEDs").isPositive();
        assertThat(sim.replica(R1).service().value()).isEqualTo(sim.replica(R2).service().value());
    }

    /**
     * The whole cluster loses power under load from dynamic clients, and R3 its disk too. After
     * the restart nobody has a reason to suspect the primary: replayed logs and R3's state transfer
     * must not leave any request or batch waiting on a primary that works.
     */
    @ParameterizedTest(name = "seed {0}")
    @org.junit.jupiter.params.provider.ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void aWholeClusterRestartWithAWipedReplicaCausesNoViewChange(long seed) {
        Simulation sim = new Simulation(SimOptions.reliable(1).withClients(4, 400).withDynamicClients(4), seed);
        assertThat(sim.runUntil(() -> sim.result().requestsAccepted() >= 150, 60_000)).isTrue();
        for (int i = 0; i < sim.replicaCount(); i++) {
            sim.crashReplica(i);
        }
        sim.wipeReplica(R3);
        for (int i = 0; i < sim.replicaCount(); i++) {
            sim.restartReplica(i);
        }
        long before = sim.result().requestsAccepted();
        assertThat(sim.runUntil(() -> sim.result().requestsAccepted() >= before + 300, 60_000))
                .as("load goes on after the restart").isTrue();
        for (int i = 0; i < sim.replicaCount(); i++) {
            var core = sim.replica(i).core();
            assertThat(core.stats().get(Counter.VIEW_CHANGES_STARTED)).as("view changes started by replica %d: %s", i,
                    core.viewChangeReason()).isZero();
        }
    }
}
