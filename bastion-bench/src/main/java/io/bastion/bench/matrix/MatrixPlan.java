package io.bastion.bench.matrix;

import io.bastion.core.util.Check;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The order a matrix runs in, and how long what is left should take. Entries that share a
 * {@link ClusterSetup} run one after the other on one cluster, clusters in the order their first
 * entry appears, entries of a cluster in the matrix's order.
 */
public record MatrixPlan(List<MatrixEntry> entries) {
    public MatrixPlan {
        Check.argument(!entries.isEmpty(), "a plan needs at least one entry");
        entries = List.copyOf(entries);
    }

    /**
     * The time one configuration and one cluster take, in seconds: a cluster's start (processes,
     * keys, connections), the warm-up before its first configuration, the warm-up before each
     * further one, and the measured window.
     */
    public record Timing(double clusterStartSeconds, long firstWarmupSeconds, long warmupSeconds, long measureSeconds) {
        /** A guess at a cluster's start before one was measured: JVMs, keys, TLS connections. */
        public static final double CLUSTER_START_SECONDS_GUESS = 10;

        /** The same timing with a cluster start as measured. */
        public Timing withClusterStart(double seconds) {
            return new Timing(seconds, firstWarmupSeconds, warmupSeconds, measureSeconds);
        }
    }

    /** {@code entries} grouped by cluster. */
    public static MatrixPlan of(List<MatrixEntry> entries) {
        Map<ClusterSetup, List<MatrixEntry>> byCluster = new LinkedHashMap<>();
        for (MatrixEntry entry : entries) {
            byCluster.computeIfAbsent(entry.cluster(), c -> new ArrayList<>()).add(entry);
        }
        return new MatrixPlan(byCluster.values().stream().flatMap(List::stream).toList());
    }

    /** Whether entry {@code index} is the first on its cluster (which is started for it). */
    public boolean startsCluster(int index) {
        return index == 0 || !entries.get(index).cluster().equals(entries.get(index - 1).cluster());
    }

    /** Clusters the plan starts. */
    public long clusters() {
        return java.util.stream.IntStream.range(0, entries.size()).filter(this::startsCluster).count();
    }

    /**
     * Seconds entries {@code next} onwards should take, when entry {@code next} is about to begin
     * (its cluster not started yet if it is the first on it).
     */
    public double secondsLeft(int next, Timing timing) {
        double seconds = 0;
        for (int i = next; i < entries.size(); i++) {
            seconds += timing.measureSeconds();
            seconds += startsCluster(i) ? timing.clusterStartSeconds() + timing.firstWarmupSeconds()
                    : timing.warmupSeconds();
        }
        return seconds;
    }

    /** E.g. {@code 45 s}, {@code 12 min}, {@code 1 h 05 min}: a duration as rough as an estimate is. */
    public static String roughly(double seconds) {
        long s = Math.round(seconds);
        if (s < 90) {
            return s + " s";
        }
        long minutes = Math.round(s / 60.0);
        return minutes < 60 ? minutes + " min" : String.format("%d h %02d min", minutes / 60, minutes % 60);
    }
}
