package io.bastion.sim;

import io.bastion.core.config.ProtocolSettings;
import io.bastion.core.session.SessionSettings;
import io.bastion.threshold.FaultyThresholdAgent;

/**
 * What one simulated run looks like: cluster size, workload and faults. All times are virtual
 * milliseconds. Faults (loss, duplication, crashes, partitions) happen during the first
 * {@code faultyMillis}; Byzantine replicas and faulty clients stay faulty throughout.
 *
 * @param f                    faults tolerated; the cluster has 3f+1 replicas
 * @param clients              simulated honest clients
 * @param requestsPerClient    operations each client performs, one at a time
 * @param dropRate             probability that a message is lost
 * @param duplicateRate        probability that a message is delivered twice
 * @param latencyMinMillis     lower bound of one-way delay
 * @param latencyMaxMillis     upper bound of one-way delay (random delays reorder messages)
 * @param faultyMillis         how long the faults above last; afterwards the network is reliable
 * @param livenessMillis       after faults end, every honest client's request must complete within this time
 * @param clockSkewMillis      largest offset of a replica's clock from true time
 * @param byzantine            replicas (at most f) given a Byzantine behaviour
 * @param collude              whether the Byzantine replicas share one behaviour and one victim
 *                             (otherwise each gets its own behaviour at random)
 * @param crashes              whether replicas crash and restart from their disks
 * @param partitions           whether the network splits now and then
 * @param settings             protocol settings of the simulated cluster
 * @param dynamicClients       how many of the honest clients join at run time
 * @param faultyClients        further clients that attack (registered, but not held to liveness)
 * @param attack               what the faulty clients do, or {@code null} for a kind per client
 *                             chosen from the seed
 * @param threshold            whether the replicas run threshold cryptography (a threshold ledger
 *                             around the counter, an agent per replica) and a further registered
 *                             client generates keys, decrypts, tosses a coin and signs
 * @param thresholdFault       how the Byzantine replicas' threshold agents misbehave, or {@code null}
 *                             for a fault per replica chosen from the seed
 * @param macClients           whether the registered honest clients use MAC client mode (tags per
 *                             replica, keys set up again after a replica restarts; signed after
 *                             {@link SimulatedMacs#MAC_SENDS} sendings)
 * @param executionMillisPerRequest how long a replica's executor takes per request of a batch
 *                             before its core hears the batch executed (batches one after the
 *                             other); 0 for the usual 1 ms per batch. A slow service, such as one
 *                             checking encrypted ballots, makes the primary pace its proposals
 */
public record SimOptions(int f, int clients, int requestsPerClient, double dropRate, double duplicateRate,
                         long latencyMinMillis, long latencyMaxMillis, long faultyMillis, long livenessMillis,
                         long clockSkewMillis, int byzantine, boolean collude, boolean crashes, boolean partitions,
                         ProtocolSettings settings, int dynamicClients, int faultyClients, ClientBehaviour attack,
                         boolean threshold, FaultyThresholdAgent.Fault thresholdFault, boolean macClients,
                         long executionMillisPerRequest) {

    /** Small checkpoints, batches, chunks and timeouts so a short run crosses all of them. */
    public static final ProtocolSettings SIM_SETTINGS = ProtocolSettings.builder()
            .checkpointInterval(8).logSize(16)
            .batchRequestsMax(16).batchBytesMax(1 << 16).inFlightBatchesMax(3).pipelineBatchMin(4)
            .requestBytesMax(1 << 12).pendingRequestsMax(1_000).requestsPerClientMax(4)
            .statusIntervalMillis(100).idleStatusIntervalMillis(1_000).requestFetchDelayMillis(20)
            .clockSkewMaxMillis(5_000).retransmitBatchesMax(16).requestTimeoutMillis(600)
            .stateChunkBytes(1024).stateFetchChunksMax(4)
            .sessions(new SessionSettings(64, 60_000, 30_000, 60_000))
            .build();

    public SimOptions {
        if (dynamicClients < 0 || dynamicClients > clients) {
            throw new IllegalArgumentException("dynamicClients must be 0.." + clients + ", got " + dynamicClients);
        }
        if (byzantine < 0 || byzantine > f) {
            throw new IllegalArgumentException("at most f = " + f + " Byzantine replicas, asked for " + byzantine);
        }
        if (faultyClients < 0) {
            throw new IllegalArgumentException("faultyClients must not be negative, got " + faultyClients);
        }
        if (attack == ClientBehaviour.HONEST) {
            throw new IllegalArgumentException("an attack must be a faulty client behaviour, not HONEST");
        }
        if (thresholdFault != null && !threshold) {
            throw new IllegalArgumentException("a threshold fault needs threshold cryptography in the run");
        }
        if (executionMillisPerRequest < 0) {
            throw new IllegalArgumentException("executionMillisPerRequest must not be negative, got "
                    + executionMillisPerRequest);
        }
    }

    public static SimOptions lossy(int f) {
        return new Builder(f).clients(4, 20).network(0.10, 0.02, 1, 20, 10_000, 50).liveness(30_000).build();
    }

    public static SimOptions reliable(int f) {
        return new Builder(f).clients(3, 10).network(0, 0, 1, 5, 0, 0).liveness(30_000).build();
    }

    /** Loss, crashes with restarts, partitions, and f Byzantine replicas. */
    public static SimOptions hostile(int f) {
        return new Builder(f).clients(4, 20).network(0.05, 0.02, 1, 20, 8_000, 50).liveness(60_000)
                .faults(f, true, true).build();
    }

    /** Command-line flags of {@code bastion sim} that recreate these options. */
    public String flags() {
        return "--f " + f + " --clients " + clients + " --requests " + requestsPerClient + " --loss " + dropRate
                + " --duplicate " + duplicateRate + " --latency " + latencyMinMillis + ".." + latencyMaxMillis
                + " --faulty-ms " + faultyMillis + " --skew-ms " + clockSkewMillis + " --byzantine " + byzantine
                + (collude ? " --collude" : "") + (crashes ? " --crashes" : "") + (partitions ? " --partitions" : "")
                + (dynamicClients > 0 ? " --dynamic-clients " + dynamicClients : "")
                + (faultyClients > 0 ? " --faulty-clients " + faultyClients : "")
                + (faultyClients > 0 && attack != null ? " --attack " + attack.flag() : "")
                + (threshold ? " --threshold" : "")
                + (thresholdFault != null ? " --threshold-fault " + thresholdFault.name().toLowerCase(java.util.Locale.ROOT)
                        .replace('_', '-') : "")
                + (macClients ? " --mac-clients" : "")
                + (executionMillisPerRequest > 0 ? " (execution " + executionMillisPerRequest + " ms per request)" : "")
                + (settings.equals(SIM_SETTINGS) ? "" : " (custom protocol settings)");
    }

    public SimOptions withNetwork(double dropRate, double duplicateRate, long latencyMinMillis, long latencyMaxMillis,
                                  long faultyMillis, long clockSkewMillis) {
        return toBuilder().network(dropRate, duplicateRate, latencyMinMillis, latencyMaxMillis, faultyMillis,
                clockSkewMillis).build();
    }

    public SimOptions withFaults(int byzantine, boolean crashes, boolean partitions) {
        return toBuilder().faults(byzantine, crashes, partitions).build();
    }

    public SimOptions withClients(int clients, int requestsPerClient) {
        return toBuilder().clients(clients, requestsPerClient).build();
    }

    public SimOptions withSettings(ProtocolSettings settings) {
        Builder b = toBuilder();
        b.settings = settings;
        return b.build();
    }

    /** The last {@code count} clients join at run time (Hello, challenges, Join), leave now and then, and join again. */
    public SimOptions withDynamicClients(int count) {
        Builder b = toBuilder();
        b.dynamicClients = count;
        return b.build();
    }

    /** {@code count} further clients attack as {@code attack} (null: a kind per client from the seed). */
    public SimOptions withFaultyClients(int count, ClientBehaviour attack) {
        Builder b = toBuilder();
        b.faultyClients = count;
        b.attack = attack;
        return b.build();
    }

    /**
     * The replicas run threshold cryptography and a further client uses it (see
     * {@link ThresholdClient}); every Byzantine replica's agent misbehaves as {@code fault}
     * ({@code null}: a fault per replica chosen from the seed).
     */
    public SimOptions withThreshold(FaultyThresholdAgent.Fault fault) {
        Builder b = toBuilder();
        b.threshold = true;
        b.thresholdFault = fault;
        return b.build();
    }

    /** The registered honest clients authenticate their requests with per-replica tags (MAC client mode). */
    public SimOptions withMacClients(boolean mac) {
        Builder b = toBuilder();
        b.macClients = mac;
        return b.build();
    }

    /** Each replica's executor takes {@code millis} per request of a batch (see {@link #executionMillisPerRequest}). */
    public SimOptions withExecutionMillisPerRequest(long millis) {
        Builder b = toBuilder();
        b.executionMillisPerRequest = millis;
        return b.build();
    }

    /** The Byzantine replicas share one behaviour and one victim. */
    public SimOptions withCollusion(boolean collude) {
        Builder b = toBuilder();
        b.collude = collude;
        return b.build();
    }

    private Builder toBuilder() {
        Builder b = new Builder(f);
        b.clients = clients;
        b.requestsPerClient = requestsPerClient;
        b.dropRate = dropRate;
        b.duplicateRate = duplicateRate;
        b.latencyMinMillis = latencyMinMillis;
        b.latencyMaxMillis = latencyMaxMillis;
        b.faultyMillis = faultyMillis;
        b.livenessMillis = livenessMillis;
        b.clockSkewMillis = clockSkewMillis;
        b.byzantine = byzantine;
        b.collude = collude;
        b.crashes = crashes;
        b.partitions = partitions;
        b.settings = settings;
        b.dynamicClients = dynamicClients;
        b.faultyClients = faultyClients;
        b.attack = attack;
        b.threshold = threshold;
        b.thresholdFault = thresholdFault;
        b.macClients = macClients;
        b.executionMillisPerRequest = executionMillisPerRequest;
        return b;
    }

    /** Options field by field, by name; {@link #build} validates them. */
    private static final class Builder {
        final int f;
        int clients;
        int requestsPerClient;
        double dropRate;
        double duplicateRate;
        long latencyMinMillis;
        long latencyMaxMillis;
        long faultyMillis;
        long livenessMillis;
        long clockSkewMillis;
        int byzantine;
        boolean collude;
        boolean crashes;
        boolean partitions;
        ProtocolSettings settings = SIM_SETTINGS;
        int dynamicClients;
        int faultyClients;
        ClientBehaviour attack;
        boolean threshold;
        FaultyThresholdAgent.Fault thresholdFault;
        boolean macClients;
        long executionMillisPerRequest;

        Builder(int f) {
            this.f = f;
        }

        Builder clients(int count, int requests) {
            this.clients = count;
            this.requestsPerClient = requests;
            return this;
        }

        Builder network(double drop, double duplicate, long latencyMin, long latencyMax, long faulty, long skew) {
            this.dropRate = drop;
            this.duplicateRate = duplicate;
            this.latencyMinMillis = latencyMin;
            this.latencyMaxMillis = latencyMax;
            this.faultyMillis = faulty;
            this.clockSkewMillis = skew;
            return this;
        }

        Builder liveness(long millis) {
            this.livenessMillis = millis;
            return this;
        }

        Builder faults(int byzantineReplicas, boolean crash, boolean partition) {
            this.byzantine = byzantineReplicas;
            this.crashes = crash;
            this.partitions = partition;
            return this;
        }

        SimOptions build() {
            return new SimOptions(f, clients, requestsPerClient, dropRate, duplicateRate, latencyMinMillis,
                    latencyMaxMillis, faultyMillis, livenessMillis, clockSkewMillis, byzantine, collude, crashes,
                    partitions, settings, dynamicClients, faultyClients, attack, threshold, thresholdFault, macClients,
                    executionMillisPerRequest);
        }
    }
}
