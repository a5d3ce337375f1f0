package io.bastion.bench;

/**
 * What one configuration measured.
 *
 * @param workload            the label of what the replicas ran (null operations, SQL inserts, …)
 * @param requestsPerSecond   completed requests per second over the measured window
 * @param cpuMicrosPerRequest CPU time of all replica processes and the load generator, per request
 * @param replicaCpuMicrosPerRequest the replicas' share of that
 */
public record BenchResult(String workload, BenchConfig config, double seconds, long requests, double requestsPerSecond,
                          double p50Millis, double p99Millis, double p999Millis, double maxMillis, double meanMillis,
                          double cpuMicrosPerRequest, double replicaCpuMicrosPerRequest, long errors) {}
