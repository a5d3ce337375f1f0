package io.bastion.sim;

import io.bastion.core.replica.ReplicaStats.Counter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The primary of view 0 (replica 0) misbehaves in one way; every request still completes, the
 * correct replicas move to a later view, and they agree on the result.
 */
class ViewChangeScenarioTest {
    private static final SimOptions RELIABLE = SimOptions.reliable(1).withClients(4, 10);

    private static void assertCorrectReplicasMovedOnAndAgree(Simulation sim) {
        long value = -1;
        for (int i = 1; i < sim.replicaCount(); i++) {
            SimReplica r = sim.replica(i);
            assertThat(r.core().view()).as("view of replica %d", i).isPositive();
            assertThat(r.core().stats().get(Counter.NEW_VIEWS_ACCEPTED)).isPositive();
        }
        for (int i = 1; i < sim.replicaCount(); i++) {
            SimReplica r = sim.replica(i);
            if (r.core().lastDelivered() == sim.result().batchesAgreed()) {
                value = value < 0 ? r.service().value() : value;
                assertThat(r.service().value()).isEqualTo(value);
            }
        }
    }

    @ParameterizedTest(name = "primary that is {0}")
    @EnumSource(value = Behaviour.class, names = {"SILENT", "SLOW", "EQUIVOCATE", "CENSOR", "BAD_TIME"})
    void aFaultyPrimaryIsReplacedAndEveryRequestCompletes(Behaviour behaviour) {
        Simulation sim = new Simulation(RELIABLE, 11, Map.of(0, behaviour));
        SimResult result = sim.run();
        assertThat(result.requestsAccepted()).isEqualTo(40);
        assertCorrectReplicasMovedOnAndAgree(sim);
    }

    @ParameterizedTest(name = "f = {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2})
    void aPrimaryThatSendsWrongDigestsWithAnotherFaultyReplicaIsSurvived(int f) {
        Simulation sim = new Simulation(SimOptions.reliable(f).withClients(4, 10), 3,
                f == 1 ? Map.of(0, Behaviour.WRONG_DIGESTS) : Map.of(0, Behaviour.EQUIVOCATE, 3, Behaviour.WRONG_DIGESTS));
        assertThat(sim.run().requestsAccepted()).isEqualTo(40);
    }

    @Test
    void aPrimaryThatCrashesIsReplacedAndAfterItsRestartItCatchesUp() {
        Simulation sim = new Simulation(RELIABLE.withClients(4, 40), 5);
        assertThat(sim.runUntil(() -> sim.result().requestsAccepted() >= 20, 30_000)).isTrue();
        sim.crashReplica(0);
        assertThat(sim.runUntil(() -> sim.result().requestsAccepted() >= 100, 30_000)).isTrue();
        sim.restartReplica(0);
        SimResult result = sim.run();
        assertThat(result.requestsAccepted()).isEqualTo(160);
        assertThat(sim.runUntil(() -> sim.replica(0).core().lastDelivered() == sim.result().batchesAgreed(), 20_000))
                .as("the restarted replica catches up").isTrue();
        assertThat(sim.replica(0).service().value()).isEqualTo(sim.replica(1).service().value());
        assertThat(sim.replica(1).core().view()).isPositive();
    }

    @Test
    void withACorrectPrimaryTheViewNeverChanges() {
        Simulation sim = new Simulation(SimOptions.reliable(1).withClients(8, 200), 17);
        sim.run();
        for (int i = 0; i < sim.replicaCount(); i++) {
            assertThat(sim.replica(i).core().view()).isZero();
            assertThat(sim.replica(i).core().stats().get(Counter.VIEW_CHANGES_STARTED)).isZero();
        }
    }
}
