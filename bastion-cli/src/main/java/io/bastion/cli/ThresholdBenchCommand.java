package io.bastion.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.bastion.bench.threshold.Ed25519SignCost;
import io.bastion.bench.threshold.ThresholdBenchReport;
import io.bastion.bench.threshold.ThresholdBenchmark;
import io.bastion.bench.threshold.ThresholdOperation;
import io.bastion.core.config.ProtocolSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code bastion threshold-bench}: key generation, decryptions, coins and FROST signatures of local clusters. */
@Command(name = "threshold-bench", mixinStandardHelpOptions = true,
        description = {"Measures the cluster's threshold cryptography end to end: for each --replicas",
                "count in turn, a fresh local cluster (a JVM per replica, --service threshold)",
                "and registered clients in this JVM. Per cluster: the time to generate a P-256",
                "key (from ordering KeyGen to the first KeyQuery 2f+1 replicas answer with it;",
                "--keys keys, median); then, with --clients clients busy for --seconds each,",
                "kv puts (ordering alone, for comparison), decryptions of one ciphertext, coins",
                "and FROST Ed25519 signatures per second, each done when 2f+1 replicas answer",
                "its ResultQuery so, and checked. First, one plain Ed25519 signature is timed",
                "in this process. Prints a table and writes JSON. A run whose cluster failed",
                "(a replica exited; an operation refused, timed out or wrong) stops there,",
                "says why on stderr, writes what it measured marked \"failed\": true, exits 1."})
final class ThresholdBenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--replicas", split = ",", defaultValue = "4,7",
            description = "Cluster sizes, one fresh cluster each, in turn (default: ${DEFAULT-VALUE}, f = 1 and 2).")
    List<Integer> replicas;

    @Option(names = "--clients", defaultValue = "4",
            description = "Concurrent clients, each with one operation at a time; below 64, the ledger's bound on"
                    + " pending operations; above 4 (requestsPerClientMax) the cluster may stall, see the warning"
                    + " (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--operations", split = ",", defaultValue = "kv-put,decrypt,coin,sign",
            description = "What to measure, in this order (default: ${DEFAULT-VALUE}).")
    List<String> operations;

    @Option(names = "--keys", defaultValue = "5", description = "P-256 keys generated and timed per cluster"
            + " (default: ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--seconds", defaultValue = "20", description = "Measured seconds per operation (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--warmup", defaultValue = "5", description = "Warm-up seconds before each operation's window"
            + " (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--first-warmup", defaultValue = "30",
            description = "Warm-up seconds per cluster before the keys are timed, shared by every operation, while the"
                    + " JIT compiles (default: ${DEFAULT-VALUE}).")
    int firstWarmup;

    @Option(names = "--poll-millis", defaultValue = "20",
            description = "How often a client reads whether its key or operation is ready; each read costs the replicas"
                    + " a signed request and reply (default: ${DEFAULT-VALUE}).")
    long pollMillis;

    @Option(names = "--sign-seconds", defaultValue = "3",
            description = "Seconds the in-process Ed25519 signature is timed, after as long a warm-up, per"
                    + " implementation (default: ${DEFAULT-VALUE}).")
    int signSeconds;

    @Option(names = "--base-port", defaultValue = "7600", description = "First port of the first cluster"
            + " (default: ${DEFAULT-VALUE}).")
    int basePort;

    @Option(names = "--replica-jvm", split = " ", defaultValue = "-Xms512m -Xmx512m -XX:+UseSerialGC",
            description = "JVM options of each replica (default: ${DEFAULT-VALUE}).")
    List<String> replicaJvm;

    @Option(names = "--dir", description = "Run directory (keys, logs, replica data). Default: a new temporary directory.")
    Path directory;

    @Option(names = "--out", defaultValue = "threshold-bench-results.json",
            description = "JSON results file (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        List<ThresholdOperation> chosen = operations.stream().map(String::strip).map(ThresholdOperation::parse)
                .distinct().toList();
        if (seconds < 1 || warmup < 0 || firstWarmup < 0 || signSeconds < 1) {
            throw new IllegalArgumentException("--seconds and --sign-seconds must be >= 1, the warm-ups >= 0");
        }
        int bodiesPerClient = ProtocolSettings.DEFAULTS.requestsPerClientMax();
        if (clients > bodiesPerClient) {
            System.out.printf("WARNING: with %d clients a replica submits up to %d contributions at once from its own"
                    + " client id, more than the %d request bodies a replica holds per client (requestsPerClientMax):"
                    + " bodies of batches in flight can be evicted and the cluster can stop executing%n", clients, clients,
                    bodiesPerClient);
        }
        Path dir = directory != null ? directory : Files.createTempDirectory("bastion-threshold-bench");
        System.out.printf("bastion threshold-bench: clusters of %s replicas in turn, %d clients, %s; %d cores; replica"
                        + " JVMs %s; run directory %s%n", replicas, clients,
                chosen.stream().map(ThresholdOperation::label).toList(), Runtime.getRuntime().availableProcessors(),
                replicaJvm, dir);
        Ed25519SignCost sign = Ed25519SignCost.measure(Duration.ofSeconds(signSeconds));
        System.out.printf("Ed25519 sign in this process: JDK %.1f µs, BouncyCastle %.1f µs%n", sign.jdkMicros(),
                sign.bouncyCastleMicros());
        List<ThresholdBenchReport.Cluster> clusters = new ArrayList<>();
        String failure = null;
        for (int i = 0; i < replicas.size() && failure == null; i++) {
            int n = replicas.get(i);
            ThresholdBenchmark.Options options = new ThresholdBenchmark.Options(n, clients, keys,
                    Duration.ofSeconds(firstWarmup), Duration.ofSeconds(warmup), Duration.ofSeconds(seconds),
                    Duration.ofMillis(pollMillis), chosen, replicaJvm, Bastion.class.getName(),
                    basePort + portsBefore(i));
            try (ThresholdBenchmark bench = new ThresholdBenchmark(dir.resolve("replicas-" + n), options)) {
                ThresholdBenchReport.Cluster result = bench.run(System.out);
                clusters.add(result);
                failure = result.failure() == null ? null : n + " replicas: " + result.failure();
            } catch (Exception e) {
                failure = n + " replicas: " + (e.getMessage() != null ? e.getMessage() : e.toString());
            }
        }
        ThresholdBenchReport report = new ThresholdBenchReport(System.getProperty("os.name") + " "
                + System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors(), Runtime.version().toString(),
                clients, firstWarmup, warmup, seconds, pollMillis, replicaJvm, sign, clusters, failure != null, failure);
        report.printSummary(System.out);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), report);
        System.out.println("results written to " + out + (failure == null ? "" : " (marked failed)"));
        if (failure != null) {
            spec.commandLine().getErr().println("bastion threshold-bench: FAILED, the numbers do not describe a working"
                    + " cluster: " + failure);
            spec.commandLine().getErr().flush();
            return 1;
        }
        return 0;
    }

    /** Ports the clusters before the {@code index}-th take, so that each starts on fresh ones. */
    private int portsBefore(int index) {
        int ports = 0;
        for (int i = 0; i < index; i++) {
            ports += Math.max(BenchCommand.PORTS_PER_CLUSTER_MIN, 4 * replicas.get(i));
        }
        return ports;
    }
}
