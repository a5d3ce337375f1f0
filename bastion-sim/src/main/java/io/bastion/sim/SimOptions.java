package io.bastion.sim;

import io.bastion.core.config.ProtocolSettings;
import io.bastion.core.session.SessionSettings;

/**
 * What one simulated run looks like: cluster size, workload and faults. All times are virtual
 * milliseconds. Faults (loss, duplication, crashes, partitions) happen during the first
 * {@code faultyMillis}; Byzantine replicas stay Byzantine throughout.
 *
 * @param f                    faults tolerated; the cluster has 3f+1 replicas
 * @param clients              simulated clients
 * @param requestsPerClient    operations each client performs, one at a time
 * @param dropRate             probability that a message is lost
 * @param duplicateRate        probability that a message is delivered twice
 * @param latencyMinMillis     lower bound of one-way delay
 * @param latencyMaxMillis     upper bound of one-way delay (random delays reorder messages)
 * @param faultyMillis         how long the faults above last; afterwards the network is reliable
 * @param livenessMillis       after faults end, every request must complete within this time
 * @param clockSkewMillis      largest offset of a replica's clock from true time
 * @param byzantine            replicas (at most f) given a random Byzantine behaviour
 * @param crashes              whether replicas crash and restart from their disks
 * @param partitions           whether the network splits now and then
 * @param settings             protocol settings of the simulated cluster
 */
public record SimOptions(int f, int clients, int requestsPerClient, double dropRate, double duplicateRate,
                         long latencyMinMillis, long latencyMaxMillis, long faultyMillis, long livenessMillis,
                         long clockSkewMillis, int byzantine, boolean crashes, boolean partitions,
                         ProtocolSettings settings, int dynamicClients) {

    /** Small checkpoints, batches, chunks and timeouts so a short run crosses all of them. */
    public static final ProtocolSettings SIM_SETTINGS = new ProtocolSettings(
            8, 16, 16, 1 << 16, 3, 1 << 12, 1_000, 4, 100, 1_000, 20, 5_000, 16, 600, 1024, 4,
            new SessionSettings(64, 60_000, 30_000, 60_000));

    public SimOptions {
        if (dynamicClients < 0 || dynamicClients > clients) {
            throw new IllegalArgumentException("dynamicClients must be 0.." + clients + ", got " + dynamicClients);
        }
        if (byzantine > f) {
            throw new IllegalArgumentException("at most f = " + f + " Byzantine replicas, asked for " + byzantine);
        }
    }

    public static SimOptions lossy(int f) {
        return new SimOptions(f, 4, 20, 0.10, 0.02, 1, 20, 10_000, 30_000, 50, 0, false, false, SIM_SETTINGS, 0);
    }

    public static SimOptions reliable(int f) {
        return new SimOptions(f, 3, 10, 0, 0, 1, 5, 0, 30_000, 0, 0, false, false, SIM_SETTINGS, 0);
    }

    /** Loss, crashes with restarts, partitions, and f Byzantine replicas. */
    public static SimOptions hostile(int f) {
        return new SimOptions(f, 4, 20, 0.05, 0.02, 1, 20, 8_000, 60_000, 50, f, true, true, SIM_SETTINGS, 0);
    }

    /** Command-line flags of {@code bastion sim} that recreate these options. */
    public String flags() {
        return "--f " + f + " --clients " + clients + " --requests " + requestsPerClient + " --loss " + dropRate
                + " --duplicate " + duplicateRate + " --latency " + latencyMinMillis + ".." + latencyMaxMillis
                + " --faulty-ms " + faultyMillis + " --skew-ms " + clockSkewMillis + " --byzantine " + byzantine
                + (crashes ? " --crashes" : "") + (partitions ? " --partitions" : "")
                + (dynamicClients > 0 ? " --dynamic-clients " + dynamicClients : "")
                + (settings.equals(SIM_SETTINGS) ? "" : " (custom protocol settings)");
    }

    public SimOptions withNetwork(double dropRate, double duplicateRate, long latencyMinMillis, long latencyMaxMillis,
                                  long faultyMillis, long clockSkewMillis) {
        return new SimOptions(f, clients, requestsPerClient, dropRate, duplicateRate, latencyMinMillis,
                latencyMaxMillis, faultyMillis, livenessMillis, clockSkewMillis, byzantine, crashes, partitions,
                settings, dynamicClients);
    }

    public SimOptions withFaults(int byzantine, boolean crashes, boolean partitions) {
        return new SimOptions(f, clients, requestsPerClient, dropRate, duplicateRate, latencyMinMillis,
                latencyMaxMillis, faultyMillis, livenessMillis, clockSkewMillis, byzantine, crashes, partitions,
                settings, dynamicClients);
    }

    public SimOptions withClients(int clients, int requestsPerClient) {
        return new SimOptions(f, clients, requestsPerClient, dropRate, duplicateRate, latencyMinMillis,
                latencyMaxMillis, faultyMillis, livenessMillis, clockSkewMillis, byzantine, crashes, partitions,
                settings, dynamicClients);
    }

    public SimOptions withSettings(ProtocolSettings settings) {
        return new SimOptions(f, clients, requestsPerClient, dropRate, duplicateRate, latencyMinMillis,
                latencyMaxMillis, faultyMillis, livenessMillis, clockSkewMillis, byzantine, crashes, partitions,
                settings, dynamicClients);
    }

    /** The last {@code count} clients join at run time (Hello, challenges, Join), leave now and then, and join again. */
    public SimOptions withDynamicClients(int count) {
        return new SimOptions(f, clients, requestsPerClient, dropRate, duplicateRate, latencyMinMillis,
                latencyMaxMillis, faultyMillis, livenessMillis, clockSkewMillis, byzantine, crashes, partitions,
                settings, count);
    }
}
