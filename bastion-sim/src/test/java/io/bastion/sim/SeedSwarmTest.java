package io.bastion.sim;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fixed list of seeds CI runs: 10% loss, duplication and reordering, f = 1 and f = 2. Set
 * {@code -Dbastion.long=true} for 2,000 + 1,000 seeds; {@code ./bastion sim --seeds N} runs
 * random ones.
 */
class SeedSwarmTest {
    private static final boolean LONG = Boolean.getBoolean("bastion.long");

    @Test
    void lossyNetworkWithOneFault() {
        long[] seeds = LongStream.range(0, LONG ? 2_000 : 150).toArray();
        List<SimulationFailure> failures = Swarm.run(seeds, seed -> new Simulation(SimOptions.lossy(1), seed), System.out);
        assertThat(failures).as("failing seeds").isEmpty();
    }

    @Test
    void lossyNetworkWithTwoFaults() {
        long[] seeds = LongStream.range(10_000, 10_000 + (LONG ? 1_000 : 60)).toArray();
        List<SimulationFailure> failures = Swarm.run(seeds, seed -> new Simulation(SimOptions.lossy(2), seed), System.out);
        assertThat(failures).as("failing seeds").isEmpty();
    }
}
