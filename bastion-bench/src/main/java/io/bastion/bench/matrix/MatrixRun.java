package io.bastion.bench.matrix;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.bastion.bench.BenchResult;
import io.bastion.bench.LoadBenchmark;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the entries of a matrix in one go: each cluster of the {@link MatrixPlan} in turn, started
 * with the run's options and its own settings, every entry of it on it, then closed. Says before
 * each configuration which one of how many it is and about how long is left, writes the JSON
 * after each one (so an interrupted run keeps what it measured), stops at the first configuration
 * whose cluster failed, and prints a summary table at the end. Not thread-safe; one run per instance.
 */
public final class MatrixRun {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Matrix matrix;
    private final MatrixFilter filter;
    private final MatrixPlan plan;
    private final LoadBenchmark.Options run;
    private final int portsPerCluster;
    private final Path directory;
    private final Path out;
    private final PrintStream log;

    /**
     * @param run             the options every cluster starts from (its workload gives only the
     *                        transport; each cluster's base port is {@code run.basePort()} plus
     *                        {@code portsPerCluster} times its place in the plan)
     * @param directory       the run directory; each cluster gets a directory of its own in it
     * @param out             the JSON file; the charts are written beside it
     */
    public MatrixRun(Matrix matrix, MatrixFilter filter, LoadBenchmark.Options run, int portsPerCluster,
                     Path directory, Path out, PrintStream log) {
        this.matrix = matrix;
        this.filter = filter;
        this.plan = MatrixPlan.of(filter.select(matrix));
        this.run = run;
        this.portsPerCluster = portsPerCluster;
        this.directory = directory;
        this.out = out;
        this.log = log;
    }

    public MatrixPlan plan() {
        return plan;
    }

    /** Runs the plan; the report is also in {@code out}, and the charts of what was measured beside it. */
    public MatrixReport run() throws IOException, InterruptedException {
        List<MatrixEntry> entries = plan.entries();
        MatrixPlan.Timing timing = new MatrixPlan.Timing(MatrixPlan.Timing.CLUSTER_START_SECONDS_GUESS,
                run.firstWarmup().toSeconds(), run.warmup().toSeconds(), run.measure().toSeconds());
        log.printf("bastion bench --matrix %s%s: %d configuration%s on %d cluster%s, about %s%n", matrix.flag(),
                filter.terms().isEmpty() ? "" : " --matrix-filter " + filter.text(), entries.size(),
                entries.size() == 1 ? "" : "s", plan.clusters(), plan.clusters() == 1 ? "" : "s",
                MatrixPlan.roughly(plan.secondsLeft(0, timing)));
        List<MatrixResult> results = new ArrayList<>();
        String failure = null;
        int clusterIndex = -1;
        LoadBenchmark bench = null;
        try {
            for (int i = 0; i < entries.size() && failure == null; i++) {
                MatrixEntry entry = entries.get(i);
                log.printf("%nconfiguration %d of %d: %s, about %s left%n", i + 1, entries.size(), entry.description(),
                        MatrixPlan.roughly(plan.secondsLeft(i, timing)));
                if (plan.startsCluster(i)) {
                    if (bench != null) {
                        bench.close();
                        bench = null;
                    }
                    clusterIndex++;
                    long start = System.nanoTime();
                    try {
                        bench = start(entry.cluster(), clusterIndex);
                    } catch (InterruptedException e) {
                        throw e;
                    } catch (Exception e) {
                        failure = "cluster " + entry.cluster().label() + " did not start: " + message(e);
                        break;
                    }
                    timing = timing.withClusterStart((System.nanoTime() - start) / 1e9);
                }
                try {
                    BenchResult result = bench.run(entry.config(), entry.clientsKind(), log);
                    results.add(MatrixResult.of(i + 1, entry, bench.options().settings(), result));
                    if (result.failed()) {
                        failure = "configuration " + (i + 1) + " (" + entry.description() + "): " + result.failure();
                    }
                } catch (RuntimeException e) {
                    failure = "configuration " + (i + 1) + " (" + entry.description() + "): " + message(e);
                }
                write(MatrixReport.of(matrix, filter, entries.size(), run, results, failure));
            }
        } finally {
            if (bench != null) {
                bench.close();
            }
        }
        MatrixReport report = MatrixReport.of(matrix, filter, entries.size(), run, results, failure);
        write(report);
        printSummary(results, log);
        log.println("results written to " + out + (failure == null ? "" : " (marked failed)"));
        if (!results.isEmpty()) {
            for (Path chart : MatrixCharts.writeBeside(out)) {
                log.println("chart written to " + chart);
            }
        }
        return report;
    }

    private LoadBenchmark start(ClusterSetup setup, int clusterIndex) throws Exception {
        Path clusterDirectory = directory.resolve(setup.directoryName());
        Files.createDirectories(clusterDirectory);
        int clientsMax = plan.entries().stream().filter(e -> e.cluster().equals(setup))
                .mapToInt(MatrixEntry::clients).max().orElseThrow();
        return new LoadBenchmark(clusterDirectory, clientsMax,
                setup.options(run, run.basePort() + portsPerCluster * clusterIndex));
    }

    private void write(MatrixReport report) throws IOException {
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        JSON.writeValue(out.toFile(), report);
    }

    private static String message(Exception e) {
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    /**
     * One line per configuration: throughput, p50 and p99, CPU per request of all processes and of
     * the replicas, requests per batch.
     */
    public static void printSummary(List<MatrixResult> results, PrintStream out) {
        int width = Math.max("configuration".length(),
                results.stream().mapToInt(r -> r.description().length()).max().orElse(0));
        out.printf("%n%3s  %-" + width + "s %10s %9s %9s %12s %12s %10s%n", "#", "configuration", "req/s", "p50 ms",
                "p99 ms", "CPU µs/req", "of replicas", "req/batch");
        for (MatrixResult r : results) {
            BenchResult b = r.result();
            out.printf("%3d  %-" + width + "s %10.0f %9.2f %9.2f %12.0f %12.0f %10.1f%s%n", r.index(), r.description(),
                    b.requestsPerSecond(), b.p50Millis(), b.p99Millis(), b.cpuMicrosPerRequest(),
                    b.replicaCpuMicrosPerRequest(), b.requestsPerBatch(), b.failed() ? "   FAILED" : "");
        }
        out.println("(CPU per request: all replica processes and the load generator's JVM together,"
                + " then the replicas alone)");
    }
}
