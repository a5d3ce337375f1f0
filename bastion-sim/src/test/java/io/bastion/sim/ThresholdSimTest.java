package io.bastion.sim;

import io.bastion.threshold.FaultyThresholdAgent.Fault;
import org.junit.jupiter.api.Test;

class ThresholdSimTest {
    private static void runMany(String label, SimOptions options, long first, int count) {
        long start = System.nanoTime();
        int failures = 0;
        long virtual = 0;
        for (long seed = first; seed < first + count; seed++) {
            try {
                Simulation sim = new Simulation(options, seed);
                SimResult result = sim.run();
                ThresholdChecks.Report report = sim.checkThreshold();
                virtual = Math.max(virtual, result.virtualMillis());
                if (!report.namedFaulty().isEmpty() || report.epochs().values().stream().anyMatch(e -> e > 0)) {
                    System.out.println(label + " seed " + seed + " " + report);
                }
            } catch (SimulationFailure e) {
                failures++;
                System.out.println(label + " FAIL " + e.getMessage());
            }
        }
        System.out.println(label + ": " + failures + " failures of " + count + ", max virtual " + virtual + " ms, wall "
                + (System.nanoTime() - start) / 1_000_000 + " ms");
    }

    @Test
    void probe() {
        runMany("lossy1", SimOptions.lossy(1).withClients(2, 10).withThreshold(null), 1, 20);
        for (Fault fault : Fault.values()) {
            runMany("byz1-" + fault, SimOptions.lossy(1).withClients(2, 10).withFaults(1, false, false).withThreshold(fault), 100, 20);
        }
        runMany("lossy2", SimOptions.lossy(2).withClients(2, 10).withFaults(2, false, false).withThreshold(null), 200, 20);
        runMany("hostile1", SimOptions.hostile(1).withClients(2, 10).withThreshold(null), 300, 20);
        runMany("hostile2", SimOptions.hostile(2).withClients(2, 10).withThreshold(null), 400, 20);
    }
}
