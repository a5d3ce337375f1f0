package io.bastion.bench;

import io.bastion.client.BastionClient;
import io.bastion.client.ClientGroup;
import io.bastion.client.ClientOptions;
import io.bastion.core.config.ClusterConfig;
import io.bastion.core.config.ProtocolSettings;
import io.bastion.core.service.NullService;
import io.bastion.net.config.ClusterFile;
import io.bastion.crypto.KeyFiles;
import io.bastion.net.config.ClusterGenerator;
import io.bastion.server.local.LocalCluster;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;


import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The benchmark of the whole system: a local cluster whose replicas run in separate JVMs with a
 * workload (null operations, SQL inserts), and closed-loop clients in this JVM (each sends its next
 * request when the last completed). Measures throughput, latency percentiles (HdrHistogram) and CPU per request for each
 * configuration in turn, on the same cluster.
 */
public final class LoadBenchmark implements AutoCloseable {
    /**
     * What the replicas run: the {@code --service} and further replica arguments, under a label
     * for the tables (e.g. {@code sql-insert acid}).
     */
    public record Workload(String label, String service, List<String> arguments) {
        public static Workload nullOps() {
            return new Workload("null", "null", List.of());
        }
    }

    /** Settings of a run. */
    public record Options(Workload workload, int replicas, Duration firstWarmup, Duration warmup, Duration measure, List<String> replicaJvmOptions,
                          List<String> replicaArguments, String mainClass, int basePort, ProtocolSettings settings) {}

    private final Options options;
    private final ClusterGenerator.Generated generated;
    private final LocalCluster cluster;
    private final ClientGroup group;
    private final List<BastionClient> clients = new ArrayList<>();
    private boolean warmedUp;

    public LoadBenchmark(Path directory, int clientsMax, Options options) throws Exception {
        this.options = options;
        ClusterGenerator.Generated keys = ClusterGenerator.generate(directory, options.replicas(), clientsMax,
                options.basePort(), new SecureRandom());
        ClusterConfig config = keys.config();
        if (!config.settings().equals(options.settings())) {
            config = new ClusterConfig(config.f(), config.replicas(), config.clients(), options.settings());
            ClusterFile.write(config, keys.clusterFile());
        }
        this.generated = new ClusterGenerator.Generated(config, keys.clusterFile(), keys.replicaKeyFiles(),
                keys.clientKeyFiles());
        List<String> arguments = new ArrayList<>(List.of("--service", options.workload().service()));
        arguments.addAll(options.workload().arguments());
        arguments.addAll(options.replicaArguments());
        this.cluster = new LocalCluster(generated.config(), generated.clusterFile(), directory,
                LocalCluster.Launcher.current(options.mainClass(), options.replicaJvmOptions()), arguments);
        cluster.startAll().awaitReady(Duration.ofSeconds(60));
        this.group = new ClientGroup(generated.config());
        for (long id = ClusterGenerator.FIRST_CLIENT_ID; id < ClusterGenerator.FIRST_CLIENT_ID + clientsMax; id++) {
            clients.add(group.connect(id, KeyFiles.readPrivateKey(generated.clientKeyFiles().get(id)),
                    ClientOptions.defaults().withRequestTimeout(Duration.ofSeconds(60))));
        }
    }

    public LocalCluster cluster() {
        return cluster;
    }

    /** The connected clients (as many as the largest configuration needs). */
    public List<BastionClient> clients() {
        return clients;
    }

    /** Runs one configuration: warm-up, then the measured window. */
    public BenchResult run(BenchConfig config, PrintStream log) throws InterruptedException {
        byte[] operation = NullService.operation(config.requestBytes(), config.replyBytes());
        Recorder recorder = new Recorder(3_600_000_000L, 3);
        AtomicLong completed = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < config.clients(); c++) {
            BastionClient client = clients.get(c);
            threads.add(Thread.ofVirtual().start(() -> loop(client, operation, recorder, completed, errors, stop)));
        }
        Thread.sleep((warmedUp ? options.warmup() : options.firstWarmup()).toMillis());
        warmedUp = true;
        recorder.reset();
        long startRequests = completed.get();
        long startErrors = errors.get();
        long startNanos = System.nanoTime();
        CpuTimes cpuStart = cpuTimes();
        Thread.sleep(options.measure().toMillis());
        long requests = completed.get() - startRequests;
        Histogram histogram = recorder.getIntervalHistogram();
        CpuTimes cpuEnd = cpuTimes();
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        stop.set(true);
        for (Thread t : threads) {
            t.join(60_000);
        }
        double replicaMicros = (cpuEnd.replicasNanos() - cpuStart.replicasNanos()) / 1e3;
        double allMicros = replicaMicros + (cpuEnd.selfNanos() - cpuStart.selfNanos()) / 1e3;
        BenchResult result = new BenchResult(options.workload().label(), config, seconds, requests, requests / seconds,
                histogram.getValueAtPercentile(50) / 1e6, histogram.getValueAtPercentile(99) / 1e6,
                histogram.getValueAtPercentile(99.9) / 1e6, histogram.getMaxValue() / 1e6, histogram.getMean() / 1e6,
                requests == 0 ? 0 : allMicros / requests, requests == 0 ? 0 : replicaMicros / requests,
                errors.get() - startErrors);
        log.printf("%-20s %-24s %9.0f req/s   p50 %7.2f ms   p99 %7.2f ms   p99.9 %7.2f ms   CPU %6.0f µs/req (replicas %6.0f)%n",
                options.workload().label(), config.label(), result.requestsPerSecond(), result.p50Millis(), result.p99Millis(), result.p999Millis(),
                result.cpuMicrosPerRequest(), result.replicaCpuMicrosPerRequest());
        return result;
    }

    private static void loop(BastionClient client, byte[] operation, Recorder recorder, AtomicLong completed,
                             AtomicLong errors, AtomicBoolean stop) {
        while (!stop.get()) {
            long start = System.nanoTime();
            try {
                client.invoke(operation);
                recorder.recordValue(Math.min(System.nanoTime() - start, 3_600_000_000L));
                completed.incrementAndGet();
            } catch (Exception e) {
                errors.incrementAndGet();
            }
        }
    }

    private record CpuTimes(long replicasNanos, long selfNanos) {}

    private CpuTimes cpuTimes() {
        long replicas = 0;
        for (int id = 0; id < options.replicas(); id++) {
            Process p = cluster.process(id);
            if (p != null) {
                replicas += p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
            }
        }
        long self = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
        return new CpuTimes(replicas, self);
    }

    @Override
    public void close() {
        clients.forEach(BastionClient::close);
        group.close();
        cluster.close();
    }

    /** For the JSON file: a run's settings and results. */
    public record Report(String machine, int cores, String jdk, List<String> workloads, int replicas, long firstWarmupSeconds,
                         long warmupSeconds, long measureSeconds,
                         List<String> replicaJvmOptions, List<String> replicaArguments, ProtocolSettings protocol,
                         List<BenchResult> results) {
        public static Report of(Options options, List<Workload> workloads, List<BenchResult> results) {
            return new Report(System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                    Runtime.getRuntime().availableProcessors(), Runtime.version().toString(),
                    workloads.stream().map(Workload::label).toList(),
                    options.replicas(),
                    options.firstWarmup().toSeconds(), options.warmup().toSeconds(), options.measure().toSeconds(), options.replicaJvmOptions(),
                    options.replicaArguments(), options.settings(), results);
        }
    }

}
