package io.bastion.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.bastion.bench.LoadBenchmark;
import io.bastion.bench.wan.WanBenchmark;
import io.bastion.bench.wan.WanLayout;
import io.bastion.bench.wan.WanNetwork;
import io.bastion.core.config.ProtocolSettings;
import io.bastion.server.local.LocalCluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bastion wan}: the benchmark across a wide-area network made on this machine. Run as the
 * user asks, it creates the network (as root), runs itself again inside the client namespace
 * with {@code --network}, and removes the network when that ends, also on Ctrl-C or failure.
 */
@Command(name = "wan", mixinStandardHelpOptions = true,
        description = {"Measures a cluster across a wide-area network made on this machine (Linux, root): each replica",
                "in its own network namespace, the load generator in a fifth, joined by a bridge; every connection",
                "passes a relay that delays each byte by half of --rtt each way (this kernel has no netem), and",
                "nftables drops --loss of the packets. For each --rtt a fresh cluster runs every --clients count in",
                "turn and prints throughput and p50/p99 latency; --partition cuts one replica off, --failover kills",
                "the primary under one client and measures the view change. Removes everything it made at the end,",
                "also on Ctrl-C. Without root or the ip command it says so and exits 2."})
final class WanCommand implements Callable<Integer> {
    @Mixin
    LocalClusterOptions cluster = new LocalClusterOptions();

    /** Exit code when this machine cannot make the network (not root, no ip). */
    static final int EXIT_UNAVAILABLE = 2;

    @Spec
    CommandSpec spec;

    @Option(names = "--rtt", split = ",", defaultValue = "50ms", paramLabel = "TIME",
            description = "Round-trip time between any two hosts, e.g. 50ms, 0.1s or 20 (ms); a list runs each on a"
                    + " fresh cluster: 0,20,50,100ms (default: ${DEFAULT-VALUE}).")
    List<String> roundTrips;

    @Option(names = "--loss", defaultValue = "0%", paramLabel = "PERCENT",
            description = "Packets lost between two hosts, e.g. 1%% (needs the nft command) (default: ${DEFAULT-VALUE}).")
    String loss;

    @Option(names = "--clients", split = ",", defaultValue = "1,10,50",
            description = "Closed-loop clients; a list runs each (default: ${DEFAULT-VALUE}).")
    List<Integer> clients;

    @Option(names = "--partition", paramLabel = "ID",
            description = "Cut this replica off (its interface down) once the cluster is ready.")
    Integer partition;

    @Option(names = "--failover", arity = "0..1", fallbackValue = "3", paramLabel = "ROUNDS",
            description = "After the throughput runs, kill the primary this many times (default 3) under one client"
                    + " and measure the time to the first request in the new view.")
    Integer failoverRounds;

    @Option(names = "--seconds", defaultValue = "20", description = "Measured seconds per configuration (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--warmup", defaultValue = "5", description = "Warm-up seconds per configuration (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--first-warmup", defaultValue = "20",
            description = "Warm-up seconds before a cluster's first configuration (default: ${DEFAULT-VALUE}).")
    int firstWarmup;

    @Option(names = "--request-bytes", defaultValue = "1024", description = "Request size (default: ${DEFAULT-VALUE}).")
    int requestBytes;

    @Option(names = "--reply-bytes", defaultValue = "1024", description = "Reply size (default: ${DEFAULT-VALUE}).")
    int replyBytes;

    @Option(names = "--workload", defaultValue = "null",
            description = "null (null operations) or sql-insert (one row per request, durable) (default: ${DEFAULT-VALUE}).")
    String workload;






    @Option(names = "--dir", description = "Run directory (keys, logs). Default: a new temporary directory.")
    Path directory;

    @Option(names = "--out", defaultValue = "wan-results.json", description = "JSON results file (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--network", hidden = true,
            description = "Internal: the network this process runs in (made by the process that started it).")
    String network;

    @Override
    public Integer call() throws Exception {
        WanBenchmark.Settings settings = settings();
        if (network == null) {
            return orchestrate(settings);
        }
        WanLayout layout = new WanLayout(network, cluster.replicas);
        WanBenchmark.Report report = WanBenchmark.run(WanNetwork.existing(layout, System.out), settings, directory,
                System.out);
        System.out.println();
        WanBenchmark.summary(report).forEach(System.out::println);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), report);
        System.out.println("results written to " + out + (report.failed() ? " (marked failed)" : ""));
        if (report.failed()) {
            spec.commandLine().getErr().println("bastion wan: FAILED: " + report.failure());
            spec.commandLine().getErr().flush();
            return 1;
        }
        return 0;
    }

    /** Makes the network, runs this command again inside its client namespace, and removes the network. */
    private int orchestrate(WanBenchmark.Settings settings) throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        String unavailable = WanNetwork.unavailableReason();
        if (unavailable != null) {
            err.println("bastion wan: " + unavailable + "; nothing was measured");
            err.flush();
            return EXIT_UNAVAILABLE;
        }
        Path runDirectory = directory != null ? directory.toAbsolutePath() : Files.createTempDirectory("bastion-wan");
        WanLayout layout = WanLayout.ofThisProcess(cluster.replicas);
        try (WanNetwork made = WanNetwork.create(layout, System.out)) {
            if (settings.lossPercent() > 0) {
                made.setLoss(settings.lossPercent());
            }
            List<String> arguments = measuringArguments(runDirectory, layout);
            List<String> command = LocalCluster.Launcher.current(Bastion.class.getName(), List.of())
                    .withPrefix(id -> WanLayout.inNamespace(layout.clientNamespace())).command(0, arguments);
            Process measuring = new ProcessBuilder(command).inheritIO().start();
            return measuring.waitFor();
        }
    }

    /** This command as given, for the process that measures inside {@code layout}'s client namespace. */
    private List<String> measuringArguments(Path runDirectory, WanLayout layout) {
        List<String> arguments = new ArrayList<>(List.of("wan", "--rtt=" + String.join(",", roundTrips),
                "--loss=" + loss, "--clients=" + String.join(",", clients.stream().map(String::valueOf).toList()),
                "--seconds=" + seconds, "--warmup=" + warmup, "--first-warmup=" + firstWarmup,
                "--request-bytes=" + requestBytes, "--reply-bytes=" + replyBytes, "--workload=" + workload,
                "--replicas=" + cluster.replicas, "--base-port=" + cluster.basePort,
                "--replica-jvm=" + String.join(" ", cluster.replicaJvm),
                "--dir=" + runDirectory, "--out=" + out.toAbsolutePath(), "--network=" + layout.name()));
        if (partition != null) {
            arguments.add("--partition=" + partition);
        }
        if (failoverRounds != null) {
            arguments.add("--failover=" + failoverRounds);
        }
        if (cluster.batchMax != null) {
            arguments.add("--batch-max=" + cluster.batchMax);
        }
        if (cluster.inFlight != null) {
            arguments.add("--in-flight=" + cluster.inFlight);
        }
        return arguments;
    }

    private WanBenchmark.Settings settings() {
        if (clients.stream().anyMatch(c -> c < 1)) {
            throw new IllegalArgumentException("--clients must be at least 1 each, got " + clients);
        }
        if (seconds < 1 || warmup < 0 || firstWarmup < 0) {
            throw new IllegalArgumentException("--seconds must be >= 1 and the warm-ups >= 0");
        }
        if (failoverRounds != null && failoverRounds < 1) {
            throw new IllegalArgumentException("--failover takes a number of rounds >= 1, got " + failoverRounds);
        }
        if (cluster.replicas < 4 || cluster.replicas > WanLayout.REPLICAS_MAX) {
            throw new IllegalArgumentException("--replicas must be in 4.." + WanLayout.REPLICAS_MAX + ", got " + cluster.replicas);
        }
        List<LoadBenchmark.Workload> workloads = BenchCommand.workloads(List.of(workload), List.of("acid"));
        return new WanBenchmark.Settings(roundTrips.stream().map(WanCommand::parseRoundTrip).toList(),
                parseLoss(loss), partition, clients, requestBytes, replyBytes, workloads.get(0), cluster.replicas,
                Duration.ofSeconds(firstWarmup), Duration.ofSeconds(warmup), Duration.ofSeconds(seconds), cluster.replicaJvm,
                Bastion.class.getName(), cluster.basePort, cluster.batching(ProtocolSettings.DEFAULTS), failoverRounds == null ? 0 : failoverRounds);
    }


    private static final Pattern TIME = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s)?");
    /** Longest round trip accepted: a path around the earth and back is well under this. */
    static final Duration ROUND_TRIP_MAX = Duration.ofSeconds(2);

    /** {@code 50ms}, {@code 0.1s}, or a bare number of milliseconds. */
    static Duration parseRoundTrip(String text) {
        Matcher m = TIME.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("--rtt " + text + ": give a time such as 50ms, 0.1s or 20 (milliseconds)");
        }
        double millis = Double.parseDouble(m.group(1)) * ("s".equals(m.group(2)) ? 1000 : 1);
        Duration roundTrip = Duration.ofNanos(Math.round(millis * 1_000_000));
        if (roundTrip.compareTo(ROUND_TRIP_MAX) > 0) {
            throw new IllegalArgumentException("--rtt " + text + ": at most " + ROUND_TRIP_MAX.toMillis() + " ms");
        }
        return roundTrip;
    }

    /** {@code 1%}, {@code 0.5} (percent). */
    static double parseLoss(String text) {
        String number = text.strip().endsWith("%") ? text.strip().substring(0, text.strip().length() - 1) : text.strip();
        double percent;
        try {
            percent = Double.parseDouble(number.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--loss " + text + ": give a percentage such as 1%");
        }
        if (!(percent >= 0 && percent <= 50)) {
            throw new IllegalArgumentException("--loss " + text + ": must be in 0..50 %");
        }
        return percent;
    }
}
