package io.bastion.sim;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class SimulationTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void reliableNetworkCompletesEveryRequest(int f) {
        SimOptions options = SimOptions.reliable(f);
        Simulation simulation = new Simulation(options, 42);
        SimResult result = simulation.run();
        assertThat(result.requestsAccepted()).isEqualTo((long) options.clients() * options.requestsPerClient());
        // clients finish once f+1 replicas answered; the rest catch up shortly after
        boolean allCaughtUp = simulation.runUntil(() -> {
            for (int i = 0; i < simulation.replicaCount(); i++) {
                if (simulation.replica(i).core().lastDelivered() != result.batchesAgreed()) {
                    return false;
                }
            }
            return true;
        }, 1_000);
        assertThat(allCaughtUp).isTrue();
        long expected = simulation.replica(0).service().value();
        for (int i = 1; i < simulation.replicaCount(); i++) {
            assertThat(simulation.replica(i).service().value()).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void lossyNetworkCompletesEveryRequest(int f) {
        SimOptions options = SimOptions.lossy(f);
        SimResult result = new Simulation(options, 7).run();
        assertThat(result.requestsAccepted()).isEqualTo((long) options.clients() * options.requestsPerClient());
        assertThat(result.messagesDropped()).isPositive();
    }

    @Test
    void aSeedReplaysTheIdenticalRun() {
        SimResult first = new Simulation(SimOptions.lossy(1), 1234).run();
        SimResult second = new Simulation(SimOptions.lossy(1), 1234).run();
        assertThat(second.events()).isEqualTo(first.events());
        assertThat(second.virtualMillis()).isEqualTo(first.virtualMillis());
        assertThat(second.messagesDropped()).isEqualTo(first.messagesDropped());
        assertThat(second.executedPerReplica()).isEqualTo(first.executedPerReplica());
    }
}
