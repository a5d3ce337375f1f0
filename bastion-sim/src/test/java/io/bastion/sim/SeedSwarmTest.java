package io.bastion.sim;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.List;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seeds CI runs: fixed ones, so a regression shows on the seed that found it, and a fresh
 * random batch every run, so the swarm keeps exploring. Lossy runs: 10% loss, duplication and
 * reordering. Hostile runs: loss, crashes with restarts from the simulated disk, partitions, f
 * Byzantine replicas with a random misbehaviour each (or colluding), and faulty clients. Every
 * failure prints the command that replays it. Set {@code -Dbastion.long=true} for thousands of
 * seeds; {@code ./bastion sim --seeds N --hostile --faulty-clients 2} runs random ones.
 */
class SeedSwarmTest {
    private static final boolean LONG = Boolean.getBoolean("bastion.long");

    private static void assertAllPass(long first, int count, SimOptions options) {
        long[] seeds = LongStream.range(first, first + count).toArray();
        List<SimulationFailure> failures = Swarm.run(seeds, seed -> new Simulation(options, seed), System.out);
        assertThat(failures).as("failing seeds (each prints its replay command above)").isEmpty();
    }

    @Test
    void lossyNetworkWithOneFault() {
        assertAllPass(0, LONG ? 2_000 : 100, SimOptions.lossy(1));
    }

    @Test
    void lossyNetworkWithTwoFaults() {
        assertAllPass(10_000, LONG ? 1_000 : 50, SimOptions.lossy(2));
    }

    @Test
    void crashesPartitionsAndOneByzantineReplica() {
        assertAllPass(20_000, LONG ? 2_000 : 200, SimOptions.hostile(1));
    }

    @Test
    void crashesPartitionsAndTwoByzantineReplicas() {
        assertAllPass(30_000, LONG ? 1_000 : 100, SimOptions.hostile(2));
    }

    @Test
    void hostileRunsWithTwoFaultyClients() {
        assertAllPass(60_000, LONG ? 2_000 : 150, SimOptions.hostile(1).withFaultyClients(2, null));
        assertAllPass(70_000, LONG ? 1_000 : 60, SimOptions.hostile(2).withFaultyClients(2, null));
    }

    @Test
    void colludingByzantineReplicasAndFaultyClients() {
        assertAllPass(80_000, LONG ? 1_000 : 60, SimOptions.hostile(2).withCollusion(true).withFaultyClients(2, null));
    }

    /** MAC client mode: honest clients tag, a faulty one tags badly for random replicas; f = 1 and f = 2. */
    @Test
    void macClientsWithABadTagsClient() {
        assertAllPass(90_000, LONG ? 1_000 : 60, SimOptions.hostile(1).withMacClients(true)
                .withFaultyClients(1, ClientBehaviour.BAD_TAGS));
        assertAllPass(95_000, LONG ? 500 : 30, SimOptions.hostile(2).withCollusion(true).withMacClients(true)
                .withFaultyClients(1, ClientBehaviour.BAD_TAGS));
    }

    /**
     * A slow service (5 ms per request at every replica's executor): the primary holds small
     * batches back while its executor lags, under the same faults and attacking clients.
     */
    @Test
    void aSlowServiceWithByzantineReplicasAndFaultyClients() {
        assertAllPass(100_000, LONG ? 1_000 : 60, SimOptions.hostile(1).withExecutionMillisPerRequest(5)
                .withFaultyClients(2, null));
        assertAllPass(110_000, LONG ? 500 : 30, SimOptions.hostile(2).withCollusion(true)
                .withExecutionMillisPerRequest(5).withFaultyClients(2, null));
    }

    /** New seeds every run; the first one is printed so a failure here replays too. */
    @Test
    void aFreshRandomBatch() {
        long first = new SecureRandom().nextLong() & (Long.MAX_VALUE >> 1);
        System.out.println("fresh random batch: seeds " + first + " onwards (replay any with ./bastion sim --seed N"
                + " and the flags printed with a failure)");
        assertAllPass(first, LONG ? 1_000 : 60, SimOptions.hostile(1).withFaultyClients(2, null));
        assertAllPass(first + 1_000_000, LONG ? 500 : 30, SimOptions.hostile(2).withCollusion(true)
                .withFaultyClients(2, null));
    }
}
