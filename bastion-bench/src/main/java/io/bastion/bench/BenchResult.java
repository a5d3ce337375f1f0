package io.bastion.bench;

/**
 * What one configuration measured.
 *
 * @param workload            the label of what the replicas ran (null operations, SQL inserts, …)
 * @param requestsPerSecond   completed requests per second over the measured window
 * @param cpuMicrosPerRequest CPU time of all replica processes and the load generator, per request
 * @param replicaCpuMicrosPerRequest the replicas' share of that
 * @param errors              requests that failed at the client in the measured window
 * @param failure             why this configuration's numbers do not describe a working cluster (a
 *                            replica exited, no request completed, requests failed), or {@code null}
 */
public record BenchResult(String workload, BenchConfig config, double seconds, long requests, double requestsPerSecond,
                          double p50Millis, double p99Millis, double p999Millis, double maxMillis, double meanMillis,
                          double cpuMicrosPerRequest, double replicaCpuMicrosPerRequest, double requestsPerBatch,
                          long errors, String failure) {
    /** Whether the cluster failed during this configuration. */
    public boolean failed() {
        return failure != null;
    }
}
