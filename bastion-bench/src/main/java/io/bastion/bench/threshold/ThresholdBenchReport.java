package io.bastion.bench.threshold;

import java.io.PrintStream;
import java.util.List;

/**
 * What {@code bastion threshold-bench} measured, for the JSON file and the summary table: the
 * in-process Ed25519 yardstick and, per cluster size, key generation times and the rate of each
 * operation. {@code failed} marks a run that stopped early ({@code failure} says why; the clusters
 * then hold what was measured until then).
 */
public record ThresholdBenchReport(String machine, int cores, String jdk, int clients, long firstWarmupSeconds,
                                   long warmupSeconds, long measureSeconds, long pollMillis,
                                   List<String> replicaJvmOptions, Ed25519SignCost ed25519Sign,
                                   List<Cluster> clusters, boolean failed, String failure) {

    /**
     * One cluster of {@code replicas} replica JVMs running {@code --service threshold}.
     *
     * @param enrolledMillis      from every replica listening to the first KeyGen the ledger accepted
     *                            (2f+1 replicas had enrolled their share-box keys)
     * @param ed25519KeyMillis    generating the Ed25519 key the signatures use, before any warm-up (cold)
     * @param p256KeyMillis       generating each timed P-256 key, after the warm-up: from ordering the
     *                            KeyGen to the first KeyQuery that 2f+1 replicas answer with the key
     * @param p256KeyMedianMillis their median
     * @param windows             one per operation, in the order measured
     * @param failure             why this cluster's run stopped, or {@code null}
     */
    public record Cluster(int replicas, int f, double enrolledMillis, double ed25519KeyMillis,
                          List<Double> p256KeyMillis, double p256KeyMedianMillis, List<Window> windows, String failure) {}

    /**
     * One operation measured with every client busy for {@code seconds}.
     *
     * @param perSecond                    operations completed (and checked) per second
     * @param readsPerOperation            polling reads sent per operation completed
     * @param readOnlyFallbacks            reads that were ordered instead (replicas disagreed or were slow)
     * @param replicaCpuMillisPerOperation CPU time of all replica processes per operation completed
     * @param errors                       operations refused, timed out or with a wrong result
     */
    public record Window(String operation, double seconds, long completed, double perSecond, double p50Millis,
                         double p99Millis, double maxMillis, double readsPerOperation, long readOnlyFallbacks,
                         double replicaCpuMillisPerOperation, long errors, String failure) {}

    /** The summary table: key generation per cluster, then every window beside the kv-put rate of its cluster. */
    public void printSummary(PrintStream out) {
        out.printf("%nEd25519 sign, one core, in this process: JDK %.1f µs, BouncyCastle %.1f µs (64-byte message)%n",
                ed25519Sign.jdkMicros(), ed25519Sign.bouncyCastleMicros());
        out.printf("%n%8s %3s %12s %22s %28s%n", "replicas", "f", "enrolled ms", "Ed25519 key ms (cold)",
                "P-256 key ms: median [each]");
        for (Cluster c : clusters) {
            out.printf("%8d %3d %12.0f %22.0f %10.0f %s%n", c.replicas(), c.f(), c.enrolledMillis(), c.ed25519KeyMillis(),
                    c.p256KeyMedianMillis(), c.p256KeyMillis().stream().map(m -> String.format("%.0f", m)).toList());
        }
        out.printf("%n%8s %-8s %9s %8s %9s %9s %9s %10s %12s %7s %8s%n", "replicas", "op", "op/s", "of put",
                "p50 ms", "p99 ms", "max ms", "reads/op", "CPU ms/op", "errors", "");
        for (Cluster c : clusters) {
            Window put = c.windows().stream().filter(w -> w.operation().equals(ThresholdOperation.KV_PUT.label()))
                    .findFirst().orElse(null);
            for (Window w : c.windows()) {
                out.printf("%8d %-8s %9.1f %8s %9.1f %9.1f %9.1f %10.1f %12.2f %7d %8s%n", c.replicas(), w.operation(),
                        w.perSecond(), put == null || put.perSecond() == 0 ? "" : String.format("%.1f %%",
                                100 * w.perSecond() / put.perSecond()), w.p50Millis(), w.p99Millis(), w.maxMillis(),
                        w.readsPerOperation(), w.replicaCpuMillisPerOperation(), w.errors(),
                        w.failure() == null ? "" : "FAILED");
            }
            if (c.failure() != null) {
                out.printf("%8d FAILED: %s%n", c.replicas(), c.failure().lines().findFirst().orElse(""));
            }
        }
        out.println("(of put: this rate against the kv-put rate of the same cluster; reads/op: polling reads per"
                + " operation; CPU ms/op: all replica processes together per operation completed, polling included)");
    }
}
