package io.bastion.bench.matrix;

import io.bastion.bench.BenchResult;
import io.bastion.core.config.ProtocolSettings;

import java.util.Map;

/**
 * What one configuration of a matrix measured, with the parameters it ran with (for the JSON).
 *
 * @param index            its place in the run, from 1
 * @param description      as in the progress lines and the summary
 * @param parameters       {@link MatrixEntry#parameters()}
 * @param cluster          {@link ClusterSetup#label()} of the cluster it ran on
 * @param batchRequestsMax the protocol's bound on a batch on that cluster
 * @param result           throughput, latency, CPU per request of all processes (replicas and load
 *                         generator) and of the replicas alone, and a failure if any
 */
public record MatrixResult(int index, String description, Map<String, String> parameters, String cluster,
                           int batchRequestsMax, BenchResult result) {
    public static MatrixResult of(int index, MatrixEntry entry, ProtocolSettings settings, BenchResult result) {
        return new MatrixResult(index, entry.description(), entry.parameters(), entry.cluster().label(),
                settings.batchRequestsMax(), result);
    }
}
