package io.bastion.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.bastion.bench.Attack;
import io.bastion.bench.BenchConfig;
import io.bastion.bench.BenchResult;
import io.bastion.bench.FaultyClientsBenchmark;
import io.bastion.bench.FaultyClientsResult;
import io.bastion.bench.JoinBenchResult;
import io.bastion.client.ClientOptions;
import io.bastion.bench.LoadBenchmark;
import io.bastion.bench.matrix.Matrix;
import io.bastion.bench.matrix.MatrixCharts;
import io.bastion.bench.matrix.MatrixEntry;
import io.bastion.bench.matrix.MatrixFilter;
import io.bastion.bench.matrix.MatrixReport;
import io.bastion.bench.matrix.MatrixRun;
import io.bastion.core.config.ProtocolSettings;
import io.bastion.net.endpoint.ClientLimits;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import java.util.function.Function;

/** {@code bastion bench}: throughput, latency and CPU of a local cluster of replica JVMs. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Starts a local cluster (one JVM per replica, per --workload) and runs closed-loop clients",
                "against it for each configuration in turn: every --clients count with every --sizes pair.",
                "Prints throughput, p50/p99/p99.9 latency, CPU per request and requests per batch (read from the",
                "replicas' metrics), and writes them as JSON.",
                "A run whose cluster failed (a replica exited, no request completed, requests failed, a replica",
                "did not start) stops there, says why on stderr (with the end of the replica's log), writes what",
                "it measured marked \"failed\": true, and exits 1.",
                "--clients-kind static,dynamic runs each configuration with registered and with dynamic clients;",
                "--joins N measures N dynamic clients joining at once (joins/s, p50/p99 latency).",
                "--faulty-clients N --attack KIND[,KIND...] runs each configuration without and with N attacking",
                "clients per attack, interleaved on the same cluster (--rounds pairs), and reports honest throughput",
                "and latency both ways, the ratio, view changes the replicas logged or counted during the attack,",
                "the attackers' send rate and the replicas' refusals and drops by reason; a ratio below 0.8 or a",
                "view change is flagged (\"!!\") but does not fail the run.",
                "--matrix seed runs the 2011 study's evaluation of PBFT in one go (see --matrix): a progress line",
                "before each configuration (\"configuration i of n: ..., about T left\"), a summary table at the end,",
                "the JSON in --out and PNG charts beside it; --charts-from redraws those charts from the JSON."})
final class BenchCommand implements Callable<Integer> {
    @Mixin
    LocalClusterOptions cluster = new LocalClusterOptions();

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
            description = "Warm-up seconds before the first configuration, while the JIT compiles (default: ${DEFAULT-VALUE})."
                    + " During every warm-up the replicas' metrics are read every 10 s, so that the measured window's"
                    + " reads are not their first.")
    int firstWarmup;

    @Option(names = "--workload", split = ",", defaultValue = "null",
            description = "null (null operations) and/or sql-insert (one row per request into SQLite); a list runs"
                    + " each on its own cluster, one after the other (default: ${DEFAULT-VALUE}).")
    List<String> workloads;

    @Option(names = "--sql-mode", split = ",", defaultValue = "acid",
            description = "For sql-insert: acid (durable commits) and/or no-acid (synchronous=OFF, NOT crash-safe,"
                    + " for measuring only); a list runs each (default: ${DEFAULT-VALUE}).")
    List<String> sqlModes;

    @Option(names = "--transport", split = ",", defaultValue = "tls",
            description = "tls (TLS 1.3 with the default engine: BoringSSL where it loads, else the JDK's), tls-jdk"
                    + " (the JDK's engine), tls-openssl (BoringSSL through netty-tcnative) and/or"
                    + " plaintext (--insecure-plaintext on every port, for comparison only); a list runs each workload"
                    + " on its own cluster per transport, one after the other, and prints each beside the first"
                    + " (default: ${DEFAULT-VALUE}).")
    List<String> transports;

    @Option(names = "--client-auth", split = ",", defaultValue = "signed", paramLabel = "signed|mac",
            description = "How the clients authenticate requests: signed (an Ed25519 signature on each) and/or mac (an"
                    + " HMAC tag per replica under keys set up per connection; needs TLS; docs/protocol.md \"MAC client"
                    + " mode\"); a list runs each workload on its own cluster per mode (default: ${DEFAULT-VALUE}).")
    List<String> clientAuths;

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

    @Option(names = "--faulty-clients", paramLabel = "N", defaultValue = "0",
            description = "Attacking clients beside the honest ones, registered in the cluster file like them; each"
                    + " sends at full speed (as fast as its connections take frames, never waiting for replies) over"
                    + " connections of its own to every replica. Replicas then serve metrics on the ports after the"
                    + " cluster's (default: ${DEFAULT-VALUE}, no attack).")
    int faultyClients;

    @Option(names = "--attack", split = ",", paramLabel = "KIND",
            description = "With --faulty-clients: what the attackers do, as in bastion sim --attack; a list runs each"
                    + " in turn. skip-primary: fresh signed requests to every replica but the primary (learnt from"
                    + " replies); subset: each to a random non-empty subset; equivocate: one request number with"
                    + " different operations for different replicas; bad-signatures: valid for some replicas, a"
                    + " corrupted signature for the others; replay: the honest clients' earlier requests and its"
                    + " own, again; flood: fresh valid requests without waiting for replies."
                    + " Default: all of them.")
    List<String> attacks;

    @Option(names = "--rounds", defaultValue = "1",
            description = "With --faulty-clients: pairs of windows per attack, each a baseline then one under attack"
                    + " (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--attack-rate", paramLabel = "R", defaultValue = "0",
            description = "With --faulty-clients: at most R requests per second per attacker; 0 is full speed"
                    + " (default: ${DEFAULT-VALUE}). On a machine shared with the replicas, an attacker at full speed"
                    + " also takes CPU from them; a cap tells that apart from what the replicas let it do.")
    long attackRate;




    @Option(names = "--replica-arg", description = "Extra argument for every replica command (repeatable).")
    List<String> replicaArguments = new ArrayList<>();



    @Option(names = "--checkpoint-interval", description = "Protocol checkpointInterval K; logSize becomes 2K.")
    Integer checkpointInterval;

    @Option(names = "--failover", description = "Instead of throughput: kill the primary this many times under load "
            + "(with the first --clients count) and measure the time to the next completed request.")
    Integer failoverRounds;

    @Option(names = "--profile", description = "Record a JFR CPU profile of every replica into the run directory.")
    boolean profile;

    @Option(names = "--dir", description = "Run directory (keys, logs, profiles). Default: a new temporary directory.")
    Path directory;

    @Option(names = "--matrix", paramLabel = "NAME",
            description = "Instead of the options that choose configurations (--clients, --sizes, --request-bytes,"
                    + " --reply-bytes, --workload, --sql-mode, --clients-kind, --batch-max): every configuration of a"
                    + " named set, each cluster setting on a cluster of its own, every configuration that shares it"
                    + " on that cluster. seed: the 2011 study's evaluation of PBFT. Its Table 1: null operations,"
                    + " client authentication signed, batching on (the protocol's) and off (one request per batch),"
                    + " static and dynamic clients, requests of 256, 1024, 2048 and 4096 B with replies of 0 B. Its"
                    + " Figure 5: one single-row SQL insert per request (key, value, timestamp, random value; 128 B"
                    + " requests, 16 B replies), acid and no-acid, static and dynamic clients. Each at 1, 12 and 50"
                    + " clients. --seconds, --warmup and --first-warmup (per cluster) apply to every configuration;"
                    + " the replicas' --hello-rate is raised to the most clients so that dynamic clients join at once.")
    String matrixName;

    @Option(names = "--matrix-filter", paramLabel = "TERMS",
            description = "With --matrix: only the configurations that meet every comma-separated term, each"
                    + " key=value or key=v1|v2 (keys: figure (table1, figure5), authentication, batching, workload,"
                    + " sql-mode, clients-kind, request-bytes, reply-bytes, clients) or text found in the"
                    + " configuration's description; e.g. figure=table1,batching=off,clients=1|50 or 4096/0.")
    String matrixFilter;

    @Option(names = "--charts-from", paramLabel = "JSON",
            description = "Measure nothing: redraw the charts of an earlier --matrix run from its JSON file, as PNG"
                    + " files beside it.")
    Path chartsFrom;

    @Option(names = "--out", defaultValue = "bench-results.json", description = "JSON results file (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (chartsFrom != null) {
            return drawCharts();
        }
        if (matrixName != null) {
            return runMatrix();
        }
        if (matrixFilter != null) {
            throw new IllegalArgumentException("--matrix-filter needs --matrix");
        }
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
        List<String> jvm = replicaJvm(dir);
        ProtocolSettings settings = protocolSettings();
        List<LoadBenchmark.Workload> setups = authenticatedBy(overTransports(workloads(workloads, sqlModes), transports),
                clientAuths);
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
        List<Attack> attackKinds = attackKinds();
        int clientsMax = clients.stream().mapToInt(Integer::intValue).max().orElse(1);
        System.out.printf("bastion bench: %s; %d replica JVMs on %d cores, %s; batches of <= %d, <= %d in flight"
                        + " (one behind another, or behind two awaiting execution, once >= %d requests wait); run directory %s%n",
                setups.stream().map(LoadBenchmark.Workload::label).toList(), cluster.replicas,
                Runtime.getRuntime().availableProcessors(), Arrays.toString(jvm.toArray()), settings.batchRequestsMax(),
                settings.inFlightBatchesMax(), settings.pipelineBatchMin(), dir);
        List<BenchResult> results = new ArrayList<>();
        List<JoinBenchResult> joinResults = new ArrayList<>();
        List<FaultyClientsResult> faultyResults = new ArrayList<>();
        LoadBenchmark.Options options = null;
        int portsPerCluster = Math.max(PORTS_PER_CLUSTER_MIN, 4 * cluster.replicas); // cluster ports, then metrics ports
        String failure = null;
        for (int i = 0; i < setups.size() && failure == null; i++) {
            LoadBenchmark.Workload setup = setups.get(i);
            options = new LoadBenchmark.Options(setup, cluster.replicas, Duration.ofSeconds(firstWarmup),
                    Duration.ofSeconds(warmup), Duration.ofSeconds(seconds), jvm, perReplica,
                    Bastion.class.getName(), cluster.basePort + portsPerCluster * i, settings);
            Path runDirectory = setups.size() == 1 ? dir : dir.resolve(setup.label().replace(' ', '-'));
            Files.createDirectories(runDirectory);
            try (LoadBenchmark bench = new LoadBenchmark(runDirectory, clientsMax, faultyClients, options)) {
                if (failoverRounds != null) {
                    var rounds = io.bastion.bench.FailoverBenchmark.run(bench, clients.get(0), failoverRounds,
                            Duration.ofSeconds(warmup), System.out);
                    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), rounds);
                    System.out.println("results written to " + out);
                    return 0;
                }
                failure = measure(bench, matrix, kinds, attackKinds, replicaHelloRate, results, joinResults,
                        faultyResults);
            } catch (Exception e) {
                failure = "workload " + setup.label() + ": " + (e.getMessage() != null ? e.getMessage() : e.toString());
            }
        }
        if (faultyClients == 0 && results.stream().map(BenchResult::workload).distinct().count() > 1) {
            printComparison(results, System.out);
        }
        FaultyClientsBenchmark.printTable(faultyResults, System.out);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(),
                LoadBenchmark.Report.of(options, setups, results, joinResults, faultyResults, failure));
        System.out.println("results written to " + out + (failure == null ? "" : " (marked failed)"));
        if (failure != null) {
            spec.commandLine().getErr().println("bastion bench: FAILED, the numbers do not describe a working cluster: "
                    + failure);
            spec.commandLine().getErr().flush();
            return 1;
        }
        return 0;
    }

    /** The replicas' JVM options, with a JFR recording into {@code dir} if asked. */
    private List<String> replicaJvm(Path dir) {
        List<String> jvm = new ArrayList<>(cluster.replicaJvm);
        if (profile) {
            jvm.add("-XX:StartFlightRecording=settings=profile,filename=" + dir.resolve("replica-%p.jfr"));
        }
        return jvm;
    }

    /** The protocol settings the options ask for. */
    private ProtocolSettings protocolSettings() {
        ProtocolSettings settings = cluster.batching(ProtocolSettings.DEFAULTS);
        if (checkpointInterval != null) {
            settings = settings.withCheckpointInterval(checkpointInterval, 2 * checkpointInterval);
        }
        return settings;
    }

    /** Options that choose configurations or measure something else, which --matrix does not take. */
    static final List<String> NOT_WITH_MATRIX = List.of("--clients", "--request-bytes", "--reply-bytes", "--sizes",
            "--workload", "--sql-mode", "--clients-kind", "--batch-max", "--joins", "--faulty-clients", "--attack",
            "--rounds", "--attack-rate", "--failover", "--client-auth");

    /** {@code --matrix}: every configuration of the set (as filtered), then the summary and the charts. */
    private int runMatrix() throws Exception {
        Matrix matrix = Matrix.parse(matrixName);
        List<String> refused = NOT_WITH_MATRIX.stream()
                .filter(o -> spec.commandLine().getParseResult().hasMatchedOption(o)).toList();
        if (!refused.isEmpty()) {
            throw new IllegalArgumentException("--matrix " + matrix.flag() + " chooses the configurations itself;"
                    + " leave out " + String.join(", ", refused));
        }
        if (transports.size() != 1) {
            throw new IllegalArgumentException("--matrix runs over one --transport, got " + String.join(",", transports));
        }
        LoadBenchmark.Transport transport = LoadBenchmark.Transport.parse(transports.get(0).strip());
        if (seconds < 1) {
            throw new IllegalArgumentException("--matrix needs a measured window (--seconds >= 1)");
        }
        MatrixFilter filter = MatrixFilter.parse(matrixFilter);
        int clientsMax = filter.select(matrix).stream().mapToInt(MatrixEntry::clients).max().orElseThrow();
        List<String> perReplica = new ArrayList<>(replicaArguments);
        long replicaHelloRate = helloRate != null ? helloRate
                : Math.max(ClientLimits.DEFAULT_HELLOS_PER_CONNECTION_PER_SECOND, clientsMax);
        if (replicaHelloRate != ClientLimits.DEFAULT_HELLOS_PER_CONNECTION_PER_SECOND) {
            perReplica.add("--hello-rate=" + replicaHelloRate);
        }
        Path dir = directory != null ? directory : Files.createTempDirectory("bastion-bench");
        LoadBenchmark.Options run = new LoadBenchmark.Options(LoadBenchmark.Workload.nullOps().over(transport),
                cluster.replicas, Duration.ofSeconds(firstWarmup), Duration.ofSeconds(warmup),
                Duration.ofSeconds(seconds), replicaJvm(dir), perReplica, Bastion.class.getName(), cluster.basePort,
                protocolSettings());
        System.out.printf("bastion bench: %d replica JVMs on %d cores, %s; run directory %s%n", cluster.replicas,
                Runtime.getRuntime().availableProcessors(), run.replicaJvmOptions(), dir);
        MatrixReport report = new MatrixRun(matrix, filter, run, Math.max(PORTS_PER_CLUSTER_MIN, 4 * cluster.replicas),
                dir, out, System.out).run();
        if (report.failed()) {
            spec.commandLine().getErr().println("bastion bench: FAILED, the numbers do not describe a working cluster: "
                    + report.failure());
            spec.commandLine().getErr().flush();
            return 1;
        }
        return 0;
    }

    /** {@code --charts-from}: the charts of an earlier matrix run, redrawn beside its JSON. */
    private int drawCharts() throws Exception {
        if (matrixName != null || matrixFilter != null) {
            throw new IllegalArgumentException("--charts-from draws an earlier run's charts; it runs no --matrix");
        }
        if (!Files.isRegularFile(chartsFrom)) {
            throw new IllegalArgumentException("--charts-from " + chartsFrom + ": no such file");
        }
        List<Path> charts = MatrixCharts.writeBeside(chartsFrom);
        if (charts.isEmpty()) {
            throw new IllegalArgumentException("--charts-from " + chartsFrom + ": no measured configuration to draw");
        }
        charts.forEach(chart -> System.out.println("chart written to " + chart)); // where the bench prints
        return 0;
    }

    /**
     * Runs every configuration, then the joins, on one cluster; stops at the first that failed and
     * says which, or returns {@code null}.
     */
    private String measure(LoadBenchmark bench, List<BenchConfig> matrix, List<LoadBenchmark.ClientsKind> kinds,
                           List<Attack> attackKinds, long replicaHelloRate, List<BenchResult> results,
                           List<JoinBenchResult> joinResults, List<FaultyClientsResult> faultyResults)
            throws InterruptedException {
        for (BenchConfig config : seconds > 0 ? matrix : List.<BenchConfig>of()) {
            for (LoadBenchmark.ClientsKind kind : kinds) {
                if (faultyClients > 0) {
                    String failed = measureFaulty(bench, config, kind, attackKinds, results, faultyResults);
                    if (failed != null) {
                        return failed;
                    }
                    continue;
                }
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

    /** Each attack in turn, each as baseline and attack windows; stops at the first whose cluster failed. */
    private String measureFaulty(LoadBenchmark bench, BenchConfig config, LoadBenchmark.ClientsKind kind,
                                 List<Attack> attackKinds, List<BenchResult> results,
                                 List<FaultyClientsResult> faultyResults) throws InterruptedException {
        for (Attack attack : attackKinds) {
            FaultyClientsResult result = FaultyClientsBenchmark.run(bench, config, kind, attack, faultyClients, rounds,
                    attackRate, System.out);
            faultyResults.add(result);
            for (FaultyClientsResult.Round round : result.rounds()) {
                results.add(round.baseline());
                if (round.underAttack() != null) {
                    results.add(round.underAttack());
                }
            }
            if (result.failed()) {
                return "workload " + result.workload() + ", " + config.label() + ", " + faultyClients + " faulty clients ("
                        + attack.flag() + "): " + result.failure();
            }
        }
        return null;
    }

    /** The attacks to run, checked against the other options; empty without faulty clients. */
    private List<Attack> attackKinds() {
        if (faultyClients < 0) {
            throw new IllegalArgumentException("--faulty-clients must be >= 0, got " + faultyClients);
        }
        if (faultyClients == 0) {
            if (attacks != null) {
                throw new IllegalArgumentException("--attack needs --faulty-clients N (N >= 1)");
            }
            return List.of();
        }
        if (failoverRounds != null) {
            throw new IllegalArgumentException("--faulty-clients and --failover measure different things; choose one");
        }
        if (seconds <= 0) {
            throw new IllegalArgumentException("--faulty-clients needs a measured window (--seconds >= 1)");
        }
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds must be at least 1, got " + rounds);
        }
        if (attackRate < 0) {
            throw new IllegalArgumentException("--attack-rate must be >= 0, got " + attackRate);
        }
        if (cluster.replicas < 2) {
            throw new IllegalArgumentException("--faulty-clients needs at least 2 replicas");
        }
        return attacks == null ? List.of(Attack.values()) : attacks.stream().map(String::strip).map(Attack::parse)
                .distinct().toList();
    }

    /** Ports a cluster takes at least, per workload: the next workload's cluster starts this far on. */
    static final int PORTS_PER_CLUSTER_MIN = 20;

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

    /** Each workload over each transport, in the order given (the default TLS keeps the plain label). */
    static List<LoadBenchmark.Workload> overTransports(List<LoadBenchmark.Workload> workloads, List<String> transports) {
        return eachWith(workloads, transports, LoadBenchmark.Transport::parse, LoadBenchmark.Workload::over);
    }

    /** Each workload with each client authentication, in the order given (signatures keep the plain label). */
    static List<LoadBenchmark.Workload> authenticatedBy(List<LoadBenchmark.Workload> workloads, List<String> auths) {
        return eachWith(workloads, auths, BenchCommand::clientAuth, LoadBenchmark.Workload::authenticatedBy);
    }

    /** Every workload varied by every distinct setting {@code names} parse to, workload by workload. */
    private static <T> List<LoadBenchmark.Workload> eachWith(List<LoadBenchmark.Workload> workloads, List<String> names,
            Function<String, T> parse, BiFunction<LoadBenchmark.Workload, T, LoadBenchmark.Workload> with) {
        List<T> chosen = names.stream().map(String::strip).map(parse).distinct().toList();
        List<LoadBenchmark.Workload> setups = new ArrayList<>();
        for (LoadBenchmark.Workload workload : workloads) {
            for (T setting : chosen) {
                setups.add(with.apply(workload, setting));
            }
        }
        return setups;
    }

    private static ClientOptions.ClientAuth clientAuth(String name) {
        return switch (name) {
            case "signed" -> ClientOptions.ClientAuth.SIGNED;
            case "mac" -> ClientOptions.ClientAuth.MAC;
            default -> throw new IllegalArgumentException("--client-auth " + name + ": choose signed or mac");
        };
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
