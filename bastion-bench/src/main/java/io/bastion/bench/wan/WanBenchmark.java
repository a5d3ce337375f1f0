package io.bastion.bench.wan;

import io.bastion.bench.BenchConfig;
import io.bastion.bench.BenchResult;
import io.bastion.bench.FailoverBenchmark;
import io.bastion.bench.LoadBenchmark;
import io.bastion.core.config.ProtocolSettings;
import io.bastion.core.util.Check;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The benchmark across a wide-area network on one machine: for each round-trip time, a fresh
 * cluster whose replicas run in the namespaces of a {@link WanNetwork}, a {@link DelayRelay}
 * between every two hosts holding each byte for half the round trip, and closed-loop clients in
 * this process (which runs in the client namespace) for each client count in turn; then, with
 * failover rounds, the primary killed under one client. Loss is set on the network by its owner;
 * a partitioned replica is cut off once its cluster is ready and reconnected before the next
 * round-trip time. Stops at the first configuration whose cluster failed.
 */
public final class WanBenchmark {
    /** What to run; {@code partitioned} is the replica cut off, or {@code null}. */
    public record Settings(List<Duration> roundTrips, double lossPercent, Integer partitioned, List<Integer> clients,
                           int requestBytes, int replyBytes, LoadBenchmark.Workload workload, int replicas,
                           Duration firstWarmup, Duration warmup, Duration measure, List<String> replicaJvmOptions,
                           String mainClass, int basePort, ProtocolSettings protocol, int failoverRounds) {
        public Settings {
            Check.argument(!roundTrips.isEmpty() && !clients.isEmpty(), "give at least one round trip and client count");
            Check.argument(partitioned == null || (partitioned >= 0 && partitioned < replicas),
                    "the partitioned replica must be in 0.." + (replicas - 1));
            Check.argument(partitioned == null || failoverRounds == 0,
                    "a partitioned replica and a killed primary are two faults; with f = 1 the cluster stops");
        }
    }

    /** One configuration at one round-trip time. */
    public record Measurement(long roundTripMillis, BenchResult result) {}

    /** The failover rounds at one round-trip time. */
    public record Failover(long roundTripMillis, List<FailoverBenchmark.Round> rounds) {}

    /** For the JSON file: how it was run, what it measured, and whether it failed. */
    public record Report(String machine, int cores, String jdk, String method, List<Long> roundTripMillis,
                         double lossPercent, Integer partitioned, int replicas, String workload, int requestBytes,
                         int replyBytes, long firstWarmupSeconds, long warmupSeconds, long measureSeconds,
                         ProtocolSettings protocol, List<Measurement> results, List<Failover> failovers, boolean failed, String failure) {}

    /** How delay and loss are made, for the report. */
    public static final String METHOD = "replicas and clients in separate network namespaces on one bridge; every"
            + " connection passes a userspace TCP relay that holds each chunk for half the round trip in each"
            + " direction (the kernel has no netem); loss: nftables drops packets into and out of the relay";

    private WanBenchmark() {}

    /** Runs every round-trip time in turn; {@code network} is the one this process runs in. */
    public static Report run(WanNetwork network, Settings settings, Path directory, PrintStream log) {
        List<Measurement> measurements = new ArrayList<>();
        List<Failover> failovers = new ArrayList<>();
        String failure = null;
        for (Duration roundTrip : settings.roundTrips()) {
            try {
                failure = runOne(network, settings, roundTrip, directory, log, measurements, failovers);
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                failure = "RTT " + roundTrip.toMillis() + " ms: " + (e.getMessage() != null ? e.getMessage() : e.toString());
            }
            if (failure != null) {
                break;
            }
        }
        return new Report(System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors(), Runtime.version().toString(), METHOD,
                settings.roundTrips().stream().map(Duration::toMillis).toList(), settings.lossPercent(),
                settings.partitioned(), settings.replicas(), settings.workload().label(), settings.requestBytes(),
                settings.replyBytes(), settings.firstWarmup().toSeconds(), settings.warmup().toSeconds(),
                settings.measure().toSeconds(), settings.protocol(), measurements, failovers, failure != null, failure);
    }

    /** One cluster at {@code roundTrip}: every client count, then failover; the failure, or {@code null}. */
    private static String runOne(WanNetwork network, Settings settings, Duration roundTrip, Path directory,
                                 PrintStream log, List<Measurement> measurements, List<Failover> failovers)
            throws Exception {
        long millis = roundTrip.toMillis();
        Path runDirectory = directory.resolve("rtt-" + millis + "ms");
        LoadBenchmark.Workload workload = new LoadBenchmark.Workload(label(settings, millis),
                settings.workload().service(), settings.workload().arguments());
        int clientsMax = settings.clients().stream().mapToInt(Integer::intValue).max().orElseThrow();
        try (WanPlacement placement = new WanPlacement(network.layout(), roundTrip.dividedBy(2),
                runDirectory.resolve("relay.log"))) {
            LoadBenchmark.Options options = new LoadBenchmark.Options(workload, settings.replicas(),
                    settings.firstWarmup(), settings.warmup(), settings.measure(), settings.replicaJvmOptions(),
                    List.of(), settings.mainClass(), settings.basePort(), settings.protocol(), placement);
            log.printf("RTT %d ms: starting %d replicas in their namespaces, the relay, %d clients (run directory %s)%n",
                    millis, settings.replicas(), clientsMax, runDirectory);
            try (LoadBenchmark bench = new LoadBenchmark(runDirectory, clientsMax, options)) {
                if (settings.partitioned() != null) {
                    network.partition(settings.partitioned());
                    log.printf("replica %d is cut off (its interface is down)%n", settings.partitioned());
                }
                try {
                    for (int clients : settings.clients()) {
                        BenchResult result = bench.run(new BenchConfig(clients, settings.requestBytes(),
                                settings.replyBytes()), log);
                        measurements.add(new Measurement(millis, result));
                        if (result.failed()) {
                            return workload.label() + ", " + result.config().label() + ": " + result.failure();
                        }
                    }
                    if (settings.failoverRounds() > 0) {
                        failovers.add(new Failover(millis, FailoverBenchmark.run(bench, 1, settings.failoverRounds(),
                                settings.warmup(), log)));
                    }
                } finally {
                    if (settings.partitioned() != null) {
                        network.heal(settings.partitioned());
                    }
                }
            }
        }
        return null;
    }

    private static String label(Settings settings, long roundTripMillis) {
        return settings.workload().label() + ", RTT " + roundTripMillis + " ms"
                + (settings.lossPercent() > 0 ? String.format(Locale.ROOT, ", loss %.1f %%", settings.lossPercent()) : "")
                + (settings.partitioned() != null ? ", r" + settings.partitioned() + " cut off" : "");
    }

    /** Light load's p50 bound at a round trip of {@code rttMillis}: what PBFT's five one-way trips allow, plus 10 ms. */
    static double p50BoundMillis(long rttMillis) {
        return 2.5 * rttMillis + 10;
    }

    /** Share of the 0 ms throughput a round trip must keep with the most clients. */
    static final double THROUGHPUT_SHARE_GOAL = 0.5;

    /**
     * The table of every measurement, then each round trip against the goals: p50 with the fewest
     * clients at most 2.5 × RTT + 10 ms, and with the most clients at least half the throughput
     * measured at 0 ms (when 0 ms was run); then the view-change times.
     */
    public static List<String> summary(Report report) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%7s %8s %10s %9s %9s", "RTT ms", "clients", "req/s", "p50 ms", "p99 ms"));
        for (Measurement m : report.results()) {
            BenchResult r = m.result();
            lines.add(String.format(Locale.ROOT, "%7d %8d %10.0f %9.1f %9.1f%s", m.roundTripMillis(), r.config().clients(),
                    r.requestsPerSecond(), r.p50Millis(), r.p99Millis(), r.failed() ? "   FAILED" : ""));
        }
        int fewest = report.results().stream().mapToInt(m -> m.result().config().clients()).min().orElse(0);
        int most = report.results().stream().mapToInt(m -> m.result().config().clients()).max().orElse(0);
        Optional<Measurement> base = find(report, 0, most);
        for (long rtt : report.roundTripMillis()) {
            if (rtt == 0) {
                continue;
            }
            find(report, rtt, fewest).ifPresent(light -> lines.add(String.format(Locale.ROOT,
                    "RTT %d ms, %d client(s): p50 %.1f ms, goal <= 2.5 x RTT + 10 = %.1f ms: %s", rtt, fewest,
                    light.result().p50Millis(), p50BoundMillis(rtt),
                    light.result().p50Millis() <= p50BoundMillis(rtt) ? "met" : "NOT met")));
            if (base.isPresent() && base.get().result().requestsPerSecond() > 0) {
                double reference = base.get().result().requestsPerSecond();
                find(report, rtt, most).ifPresent(heavy -> lines.add(String.format(Locale.ROOT,
                        "RTT %d ms, %d clients: %.0f req/s = %.0f %% of the %.0f req/s at 0 ms, goal >= %.0f %%: %s",
                        rtt, most, heavy.result().requestsPerSecond(), 100 * heavy.result().requestsPerSecond() / reference,
                        reference, 100 * THROUGHPUT_SHARE_GOAL,
                        heavy.result().requestsPerSecond() >= THROUGHPUT_SHARE_GOAL * reference ? "met" : "NOT met")));
            }
        }
        for (Failover f : report.failovers()) {
            lines.add(String.format(Locale.ROOT, "RTT %d ms, primary killed under 1 client: first request in the new"
                    + " view after %s ms", f.roundTripMillis(), f.rounds().stream()
                    .map(r -> String.format(Locale.ROOT, "%.0f", r.failoverMillis())).toList()));
        }
        return lines;
    }

    private static Optional<Measurement> find(Report report, long rttMillis, int clients) {
        return report.results().stream().filter(m -> m.roundTripMillis() == rttMillis
                && m.result().config().clients() == clients && !m.result().failed()).findFirst();
    }
}
