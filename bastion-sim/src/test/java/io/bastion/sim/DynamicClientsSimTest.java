package io.bastion.sim;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients that join at run time (Hello, 2f+1 challenges, Join), leave now and then and join again,
 * beside registered ones, under message loss and under crashes, partitions and Byzantine replicas
 * (which answer Hellos with badly signed challenges). Every safety check of the simulator applies;
 * refused requests of ended sessions must be refused in the agreed execution and leave the
 * counter alone. {@code -Dbastion.long=true} runs ten times the seeds.
 */
class DynamicClientsSimTest {
    private static final boolean LONG = Boolean.getBoolean("bastion.long");

    private static void assertAllPass(long first, int count, SimOptions options) {
        long[] seeds = LongStream.range(first, first + count).toArray();
        List<SimulationFailure> failures = Swarm.run(seeds, seed -> new Simulation(options, seed), System.out);
        assertThat(failures).as("failing seeds").isEmpty();
    }

    @Test
    void dynamicClientsJoinLeaveAndJoinAgainUnderLoss() {
        assertAllPass(40_000, LONG ? 1_000 : 60, SimOptions.lossy(1).withDynamicClients(2));
    }

    @Test
    void dynamicClientsJoinDespiteCrashesPartitionsAndAByzantineReplica() {
        assertAllPass(50_000, LONG ? 1_000 : 60, SimOptions.hostile(1).withDynamicClients(3));
    }

    @Test
    void everyDynamicClientJoinsAtLeastOnceAndFinishesItsRequests() {
        Simulation sim = new Simulation(SimOptions.lossy(1).withDynamicClients(2), 7);
        assertThat(sim.runUntil(sim::allClientsFinished, 120_000)).as("all clients finished").isTrue();
        for (int c = 2; c < 4; c++) {
            assertThat(sim.client(c).joins()).as("client %d joined", c).isPositive();
            assertThat(sim.client(c).completed()).isEqualTo(20);
            assertThat(sim.client(c).clientId()).as("works under an assigned id")
                    .isGreaterThanOrEqualTo(io.bastion.core.session.SessionSettings.FIRST_DYNAMIC_CLIENT_ID);
        }
    }
}
