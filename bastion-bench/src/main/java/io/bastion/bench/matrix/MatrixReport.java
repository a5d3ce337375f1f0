package io.bastion.bench.matrix;

import io.bastion.bench.LoadBenchmark;
import io.bastion.core.config.ProtocolSettings;

import java.util.List;

/**
 * The JSON file of a matrix run: how it ran and one {@link MatrixResult} per configuration measured
 * so far ({@code planned} says how many the run meant to measure). {@code failed} marks a run
 * whose cluster failed; {@code failure} says how, and the run stopped there. {@code protocol} is the
 * run's protocol settings before a configuration's batching applied.
 */
public record MatrixReport(String matrix, String filter, int planned, String machine, int cores, String jdk,
                           int replicas, long firstWarmupSeconds, long warmupSeconds, long measureSeconds,
                           List<String> replicaJvmOptions, List<String> replicaArguments, String transport,
                           ProtocolSettings protocol, List<MatrixResult> results, boolean failed, String failure) {
    static MatrixReport of(Matrix matrix, MatrixFilter filter, int planned, LoadBenchmark.Options run,
                           List<MatrixResult> results, String failure) {
        return new MatrixReport(matrix.flag(), filter.text(), planned,
                System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors(), Runtime.version().toString(), run.replicas(),
                run.firstWarmup().toSeconds(), run.warmup().toSeconds(), run.measure().toSeconds(),
                run.replicaJvmOptions(), run.replicaArguments(), run.workload().transport().flag(), run.settings(),
                List.copyOf(results), failure != null, failure);
    }
}
