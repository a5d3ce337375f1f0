package io.bastion.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.bastion.bench.BenchConfig;
import io.bastion.bench.BenchResult;
import io.bastion.bench.JoinBenchResult;
import io.bastion.bench.LoadBenchmark;
import io.bastion.core.config.ProtocolSettings;
import io.bastion.net.endpoint.ClientLimits;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code bastion bench}: throughput, latency and CPU of a local cluster of replica JVMs. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Starts a local cluster (one JVM per replica, per --workload) and runs closed-loop clients",
                "against it for each configuration in turn: every --clients count with every --sizes pair.",
                "Prints throughput, p50/p99/p99.9 latency and CPU per request, and writes them as JSON.",
                "A run whose cluster failed (a replica exited, no request completed, requests failed, a replica",
                "did not start) stops there, says why on stderr (with the end of the replica's log), writes what",
                "it measured marked \"failed\": true, and exits 1.",
                "--clients-kind static,dynamic runs each configuration with registered and with dynamic clients;",
                "--joins N measures N dynamic clients joining at once (joins/s, p50/p99 latency)."})
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--clients", split = ",", defaultValue = "10",
            description = "Closed-loop clients; a list runs each (default: ${DEFAULT-VALUE}).")
    List<Integer> clients;

    @Option(names = "--request-bytes", defaultValue = "1024", description = "Request size (default: ${DEFAULT-VALUE}).")
    int requestBytes;

    @Option(names = "--reply-bytes", defaultValue = "1024", description = "Reply size (default: ${DEFAULT-VALUE}).")
    int replyBytes;

    @Option(names = "--sizes", split = ",",
            description = "request/reply byte pairs to run instead of the two options above, e.g. 0/0,1024/1024")
    List<String> sizes;

    @Option(names = "--seconds", defaultValue = "30", description = "Measured seconds per configuration (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--warmup", defaultValue = "10", description = "Warm-up seconds per configuration (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--first-warmup", defaultValue = "60",
            description = "Warm-up seconds before the first configuration, while the JIT compiles (default: ${DEFAULT-VALUE}).")
    int firstWarmup;

    @Option(names = "--workload", split = ",", defaultValue = "null",
            description = "null (null operations) and/or sql-insert (one row per request into SQLite); a list runs"
                    + " each on its own cluster, one after the other (default: ${DEFAULT-VALUE}).")
    List<String> workloads;

    @Option(names = "--sql-mode", split = ",", defaultValue = "acid",
            description = "For sql-insert: acid (durable commits) and/or no-acid (synchronous=OFF, NOT crash-safe,"
                    + " for measuring only); a list runs each (default: ${DEFAULT-VALUE}).")
    List<String> sqlModes;

    @Option(names = "--clients-kind", split = ",", defaultValue = "static",
            description = "static (clients registered in the cluster file) and/or dynamic (clients that join first);"
                    + " a list runs each configuration with each (default: ${DEFAULT-VALUE}).")
    List<String> clientsKinds;

    @Option(names = "--joins", paramLabel = "N", description = "After the throughput runs (none with --seconds 0),"
            + " N fresh dynamic clients join at once on each cluster: joins/s and latency.")
    Integer joins;

    @Option(names = "--hello-rate", paramLabel = "N", description = "The replicas' --hello-rate (Hellos and Joins"
            + " per second per client connection). Default: theirs, or at least N of --joins so the measurement is"
            + " of joining, not of the limit.")
    Long helloRate;

    @Option(names = "--replicas", defaultValue = "4", description = "Replicas (default: ${DEFAULT-VALUE}).")
    int replicas;

    @Option(names = "--base-port", defaultValue = "7600", description = "First port of the cluster (default: ${DEFAULT-VALUE}).")
    int basePort;

    @Option(names = "--replica-jvm", split = " ", defaultValue = "-Xms512m -Xmx512m -XX:+UseSerialGC",
            description = "JVM options of each replica (default: ${DEFAULT-VALUE}).")
    List<String> replicaJvm;

    @Option(names = "--replica-arg", description = "Extra argument for every replica command (repeatable).")
    List<String> replicaArguments = new ArrayList<>();

    @Option(names = "--batch-max", description = "Protocol batchRequestsMax (default: the cluster file default).")
    Integer batchMax;

    @Option(names = "--in-flight", description = "Protocol inFlightBatchesMax (default: the cluster file default).")
    Integer inFlight;

    @Option(names = "--checkpoint-interval", description = "Protocol checkpointInterval K; logSize becomes 2K.")
    Integer checkpointInterval;

    @Option(names = "--failover", description = "Instead of throughput: kill the primary this many times under load "
            + "(with the first --clients count) and measure the time to the next completed request.")
    Integer failoverRounds;

    @Option(names = "--profile", description = "Record a JFR CPU profile of every replica into the run directory.")
    boolean profile;

    @Option(names = "--dir", description = "Run directory (keys, logs, profiles). Default: a new temporary directory.")
    Path directory;

    @Option(names = "--out", defaultValue = "bench-results.json", description = "JSON results file (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        List<int[]> pairs = new ArrayList<>();
        for (String pair : sizes != null ? sizes : List.of(requestBytes + "/" + replyBytes)) {
            String[] parts = pair.split("/");
            if (parts.length != 2) {
                throw new IllegalArgumentException("--sizes takes REQUEST/REPLY pairs like 1024/1024, got " + pair);
            }
            pairs.add(new int[] {Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip())});
        }
        List<BenchConfig> matrix = BenchConfig.matrix(clients, pairs);
        Path dir = directory != null ? directory : Files.createTempDirectory("bastion-bench");
        List<String> jvm = new ArrayList<>(replicaJvm);
        if (profile) {
            jvm.add("-XX:StartFlightRecording=settings=profile,filename=" + dir.resolve("replica-%p.jfr"));
        }
        ProtocolSettings settings = ProtocolSettings.DEFAULTS;
        if (batchMax != null || inFlight != null) {
            settings = settings.withBatching(batchMax != null ? batchMax : settings.batchRequestsMax(),
                    inFlight != null ? inFlight : settings.inFlightBatchesMax());
        }
        if (checkpointInterval != null) {
            settings = settings.withCheckpointInterval(checkpointInterval, 2 * checkpointInterval);
        }
        List<LoadBenchmark.Workload> setups = workloads(workloads, sqlModes);
        List<LoadBenchmark.ClientsKind> kinds = clientsKinds.stream().map(LoadBenchmark.ClientsKind::parse).toList();
        if (joins != null && joins < 1) {
            throw new IllegalArgumentException("--joins must be at least 1, got " + joins);
        }
        long replicaHelloRate = helloRate != null ? helloRate
                : joins != null ? Math.max(ClientLimits.DEFAULT_HELLOS_PER_CONNECTION_PER_SECOND, joins)
                : ClientLimits.DEFAULT_HELLOS_PER_CONNECTION_PER_SECOND;
        List<String> perReplica = new ArrayList<>(replicaArguments);
        if (replicaHelloRate != ClientLimits.DEFAULT_HELLOS_PER_CONNECTION_PER_SECOND) {
            perReplica.add("--hello-rate=" + replicaHelloRate);
        }
        int clientsMax = clients.stream().mapToInt(Integer::intValue).max().orElse(1);
        System.out.printf("bastion bench: %s; %d replica JVMs on %d cores, %s; batches of <= %d, <= %d in flight;"
                        + " run directory %s%n", setups.stream().map(LoadBenchmark.Workload::label).toList(), replicas,
                Runtime.getRuntime().availableProcessors(), Arrays.toString(jvm.toArray()), settings.batchRequestsMax(),
                settings.inFlightBatchesMax(), dir);
        List<BenchResult> results = new ArrayList<>();
        List<JoinBenchResult> joinResults = new ArrayList<>();
        LoadBenchmark.Options options = null;
        String failure = null;
        for (int i = 0; i < setups.size() && failure == null; i++) {
            LoadBenchmark.Workload setup = setups.get(i);
            options = new LoadBenchmark.Options(setup, replicas, Duration.ofSeconds(firstWarmup),
                    Duration.ofSeconds(warmup), Duration.ofSeconds(seconds), jvm, perReplica,
                    Bastion.class.getName(), basePort + 20 * i, settings);
            Path runDirectory = setups.size() == 1 ? dir : dir.resolve(setup.label().replace(' ', '-'));
            Files.createDirectories(runDirectory);
            try (LoadBenchmark bench = new LoadBenchmark(runDirectory, clientsMax, options)) {
                if (failoverRounds != null) {
                    var rounds = io.bastion.bench.FailoverBenchmark.run(bench, clients.get(0), failoverRounds,
                            Duration.ofSeconds(warmup), System.out);
                    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), rounds);
                    System.out.println("results written to " + out);
                    return 0;
                }
                failure = measure(bench, matrix, kinds, replicaHelloRate, results, joinResults);
            } catch (Exception e) {
                failure = "workload " + setup.label() + ": " + (e.getMessage() != null ? e.getMessage() : e.toString());
            }
        }
        if (results.stream().map(BenchResult::workload).distinct().count() > 1) {
            printComparison(results, System.out);
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(out.toFile(), LoadBenchmark.Report.of(options, setups, results, joinResults, failure));
        System.out.println("results written to " + out + (failure == null ? "" : " (marked failed)"));
        if (failure != null) {
            spec.commandLine().getErr().println("bastion bench: FAILED, the numbers do not describe a working cluster: "
                    + failure);
            spec.commandLine().getErr().flush();
            return 1;
        }
        return 0;
    }

    /**
     * Runs every configuration, then the joins, on one cluster; stops at the first that failed and
     * says which, or returns {@code null}.
     */
    private String measure(LoadBenchmark bench, List<BenchConfig> matrix, List<LoadBenchmark.ClientsKind> kinds,
                           long replicaHelloRate, List<BenchResult> results, List<JoinBenchResult> joinResults)
            throws InterruptedException {
        for (BenchConfig config : seconds > 0 ? matrix : List.<BenchConfig>of()) {
            for (LoadBenchmark.ClientsKind kind : kinds) {
                BenchResult result = bench.run(config, kind, System.out);
                results.add(result);
                if (result.failed()) {
                    return "workload " + result.workload() + ", " + config.label() + ": " + result.failure();
                }
            }
        }
        if (joins != null) {
            JoinBenchResult result = bench.measureJoins(joins, replicaHelloRate, System.out);
            joinResults.add(result);
            if (result.failures() > 0) {
                return "workload " + result.workload() + ", " + joins + " joining at once: " + result.failures()
                        + " joins failed";
            }
        }
        return null;
    }

    /** The clusters to run: each workload, and sql-insert once per SQL mode. */
    static List<LoadBenchmark.Workload> workloads(List<String> workloads, List<String> sqlModes) {
        List<LoadBenchmark.Workload> setups = new ArrayList<>();
        for (String workload : workloads) {
            switch (workload) {
                case "null" -> setups.add(LoadBenchmark.Workload.nullOps());
                case "sql-insert" -> {
                    for (String mode : sqlModes) {
                        if (!mode.equals("acid") && !mode.equals("no-acid")) {
                            throw new IllegalArgumentException("--sql-mode " + mode + ": choose acid or no-acid");
                        }
                        setups.add(new LoadBenchmark.Workload("sql-insert " + mode, "sql-insert",
                                List.of("--sql-mode=" + mode)));
                    }
                }
                default -> throw new IllegalArgumentException("--workload " + workload + ": choose null or sql-insert");
            }
        }
        return setups;
    }

    /** Each result beside the first workload's at the same configuration. */
    static void printComparison(List<BenchResult> results, java.io.PrintStream out) {
        String base = results.get(0).workload();
        out.printf("%nrelative to %s:%n", base);
        for (BenchResult r : results) {
            BenchResult reference = results.stream()
                    .filter(b -> b.workload().equals(base) && b.config().equals(r.config())).findFirst().orElse(null);
            out.printf("%-20s %-24s %9.0f req/s   p50 %7.2f ms   %s%n", r.workload(), r.config().label(),
                    r.requestsPerSecond(), r.p50Millis(), reference == null || reference.requestsPerSecond() == 0 ? ""
                            : String.format("%5.0f %%", 100 * r.requestsPerSecond() / reference.requestsPerSecond()));
        }
    }
}
