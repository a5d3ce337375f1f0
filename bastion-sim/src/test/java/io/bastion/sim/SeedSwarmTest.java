package io.bastion.sim;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fixed seeds CI runs. Lossy runs: 10% loss, duplication and reordering. Hostile runs: loss,
 * crashes with restarts from the simulated disk, partitions, and f Byzantine replicas with a
 * random misbehaviour each. Set {@code -Dbastion.long=true} for thousands of seeds;
 * {@code ./bastion sim --seeds N [--hostile]} runs random ones.
 */
class SeedSwarmTest {
    private static final boolean LONG = Boolean.getBoolean("bastion.long");

    private static void assertAllPass(long first, int count, int f, boolean hostile) {
        long[] seeds = LongStream.range(first, first + count).toArray();
        SimOptions options = hostile ? SimOptions.hostile(f) : SimOptions.lossy(f);
        List<SimulationFailure> failures = Swarm.run(seeds, seed -> new Simulation(options, seed), System.out);
        assertThat(failures).as("failing seeds").isEmpty();
    }

    @Test
    void lossyNetworkWithOneFault() {
        assertAllPass(0, LONG ? 2_000 : 100, 1, false);
    }

    @Test
    void lossyNetworkWithTwoFaults() {
        assertAllPass(10_000, LONG ? 1_000 : 50, 2, false);
    }

    @Test
    void crashesPartitionsAndOneByzantineReplica() {
        assertAllPass(20_000, LONG ? 2_000 : 200, 1, true);
    }

    @Test
    void crashesPartitionsAndTwoByzantineReplicas() {
        assertAllPass(30_000, LONG ? 1_000 : 100, 2, true);
    }
}
