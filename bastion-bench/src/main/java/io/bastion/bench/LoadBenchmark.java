package io.bastion.bench;

import io.bastion.client.BastionClient;
import io.bastion.client.ClientGroup;
import io.bastion.client.ClientOptions;
import io.bastion.core.config.ClusterConfig;
import io.bastion.core.config.ProtocolSettings;
import io.bastion.core.service.NullService;
import io.bastion.core.util.Check;
import io.bastion.net.config.ClusterFile;
import io.bastion.crypto.Ed25519SigningKey;
import io.bastion.crypto.KeyFiles;
import io.bastion.crypto.SigningKey;
import io.bastion.net.NetSettings;
import io.bastion.net.config.ClusterGenerator;
import io.bastion.net.tls.ClientSecurity;
import io.bastion.net.tls.TlsEngine;
import io.bastion.server.local.LocalCluster;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;


import java.io.PrintStream;
import java.nio.file.Files;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * The benchmark of the whole system: a local cluster whose replicas run in separate JVMs with a
 * workload (null operations, SQL inserts), and closed-loop clients in this JVM (each sends its next
 * request when the last completed). Measures throughput, latency percentiles (HdrHistogram) and CPU per request for each
 * configuration in turn, on the same cluster. The load comes from clients registered in the cluster file or from
 * dynamic clients that joined ({@link ClientsKind}); {@link #measureJoins} measures joining itself.
 * With faulty clients ({@link FaultyClientsBenchmark}), further clients are registered for the
 * attackers, the honest clients' requests are recorded for replaying, and every replica serves its
 * metrics so that {@link ClusterWatch} can read views and drop counts.
 */
public final class LoadBenchmark implements AutoCloseable {
    /**
     * What the replicas run: the {@code --service} and further replica arguments, under a label
     * for the tables (e.g. {@code sql-insert acid}).
     */
    public record Workload(String label, String service, List<String> arguments, Transport transport,
                           ClientOptions.ClientAuth clientAuth) {
        public Workload(String label, String service, List<String> arguments) {
            this(label, service, arguments, Transport.TLS);
        }

        public Workload(String label, String service, List<String> arguments, Transport transport) {
            this(label, service, arguments, transport, ClientOptions.ClientAuth.SIGNED);
        }

        public static Workload nullOps() {
            return new Workload("null", "null", List.of());
        }

        /** The same workload over {@code other}, labelled with it unless it is the default. */
        public Workload over(Transport other) {
            return new Workload(other == Transport.TLS ? label : label + " " + other.flag(), service, arguments, other,
                    clientAuth);
        }

        /**
         * The same workload with its clients authenticating requests by {@code auth} (docs/protocol.md,
         * "MAC client mode"), labelled with it unless it is the default, signatures.
         */
        public Workload authenticatedBy(ClientOptions.ClientAuth auth) {
            return new Workload(auth == ClientOptions.ClientAuth.SIGNED ? label : label + " mac", service, arguments,
                    transport, auth);
        }

        /** The options of the benchmark's clients: a long request timeout, and this workload's authentication. */
        ClientOptions clientOptions() {
            return ClientOptions.defaults().withRequestTimeout(Duration.ofSeconds(60)).withAuth(clientAuth);
        }
    }

    /**
     * How the clients and replicas of a run talk: TLS with the default engine
     * ({@link TlsEngine#preferred()}), TLS with the JDK's engine or with BoringSSL (netty-tcnative)
     * on both sides, or plaintext on every port, to measure what TLS costs.
     */
    public enum Transport {
        TLS("tls", List.of()),
        TLS_JDK("tls-jdk", List.of("--tls-engine=jdk")),
        TLS_OPENSSL("tls-openssl", List.of("--tls-engine=openssl")),
        PLAINTEXT("plaintext", List.of("--insecure-plaintext=all"));

        private final String flag;
        private final List<String> replicaArguments;

        Transport(String flag, List<String> replicaArguments) {
            this.flag = flag;
            this.replicaArguments = replicaArguments;
        }

        public String flag() {
            return flag;
        }

        public static Transport parse(String name) {
            for (Transport t : values()) {
                if (t.flag.equals(name)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("--transport " + name + ": choose tls, tls-jdk, tls-openssl or plaintext");
        }

        /** How the benchmark's clients connect to replicas of {@code config} over this transport. */
        ClientSecurity clientSecurity(ClusterConfig config) {
            return switch (this) {
                case TLS -> ClientSecurity.tls(config);
                case TLS_JDK -> ClientSecurity.tls(config, List.of(), TlsEngine.JDK);
                case TLS_OPENSSL -> ClientSecurity.tls(config, List.of(), TlsEngine.OPENSSL.requireAvailable());
                case PLAINTEXT -> ClientSecurity.PLAINTEXT;
            };
        }
    }

    /** Who sends the load: clients registered in the cluster file, or dynamic clients that joined first. */
    public enum ClientsKind {
        STATIC, DYNAMIC;

        public static ClientsKind parse(String name) {
            return switch (name) {
                case "static" -> STATIC;
                case "dynamic" -> DYNAMIC;
                default -> throw new IllegalArgumentException("--clients-kind " + name + ": choose static or dynamic");
            };
        }

        /** The workload label of results measured with this kind of client. */
        String label(Workload workload) {
            return this == STATIC ? workload.label() : workload.label() + " dynamic";
        }
    }

    /** Settings of a run; {@code placement} says where the replicas run ({@link ReplicaPlacement#LOCAL} by default). */
    public record Options(Workload workload, int replicas, Duration firstWarmup, Duration warmup, Duration measure, List<String> replicaJvmOptions,
                          List<String> replicaArguments, String mainClass, int basePort, ProtocolSettings settings,
                          ReplicaPlacement placement) {
        public Options(Workload workload, int replicas, Duration firstWarmup, Duration warmup, Duration measure,
                       List<String> replicaJvmOptions, List<String> replicaArguments, String mainClass, int basePort,
                       ProtocolSettings settings) {
            this(workload, replicas, firstWarmup, warmup, measure, replicaJvmOptions, replicaArguments, mainClass, basePort,
                    settings, ReplicaPlacement.LOCAL);
        }
    }

    private final Options options;
    private final ClusterGenerator.Generated generated;
    private final LocalCluster cluster;
    private final ClientGroup group;
    private final List<BastionClient> clients = new ArrayList<>();
    private final List<BastionClient> dynamicClients = new ArrayList<>();
    private final int clientsMax;
    /**
     * The cluster CA's certificate, where a generator that makes one writes it: when it is there,
     * the replicas serve their metrics over HTTPS with certificates it issued.
     */
    static final String CA_CERTIFICATE_FILE_NAME = "ca.crt";
    /** The transport settings of every client this benchmark runs, honest or faulty. */
    private final NetSettings clientNetSettings = NetSettings.DEFAULTS;
    /** Keys of the clients registered for attackers, in id order after the honest ones. */
    private final List<SigningKey> faultyClientKeys = new ArrayList<>();
    /** What the honest clients sent, for replaying; {@code null} without faulty clients. */
    private final SentRequests sentRequests;
    private final ClusterWatch watch;
    /** How every client of this benchmark, honest or faulty, connects. */
    private final ClientSecurity clientSecurity;
    private boolean warmedUp;

    public LoadBenchmark(Path directory, int clientsMax, Options options) throws Exception {
        this(directory, clientsMax, 0, options);
    }

    /**
     * A cluster with {@code clientsMax} honest clients connected and {@code faultyClientsMax} more
     * registered for attackers ({@link #startFaultyClients}).
     */
    public LoadBenchmark(Path directory, int clientsMax, int faultyClientsMax, Options options) throws Exception {
        Check.argument(faultyClientsMax >= 0, "faultyClientsMax must be >= 0");
        this.options = options;
        this.clientsMax = clientsMax;
        ReplicaPlacement placement = options.placement();
        ClusterGenerator.Generated keys = ClusterGenerator.generate(directory, options.replicas(),
                clientsMax + faultyClientsMax, options.basePort(), placement::host, new SecureRandom());
        ClusterConfig config = keys.config();
        if (!config.settings().equals(options.settings())) {
            config = new ClusterConfig(config.f(), config.replicas(), config.clients(), options.settings());
            ClusterFile.Contents written = ClusterFile.loadContents(keys.clusterFile());
            ClusterFile.write(new ClusterFile.Contents(config, written.ca()), keys.clusterFile()); // keeps the [tls] CA
        }
        this.generated = new ClusterGenerator.Generated(config, keys.clusterFile(), keys.replicaKeyFiles(),
                keys.clientKeyFiles());
        List<String> arguments = new ArrayList<>(List.of("--service", options.workload().service()));
        arguments.addAll(options.workload().arguments());
        arguments.addAll(options.workload().transport().replicaArguments);
        arguments.addAll(options.replicaArguments());
        // metrics tell batch sizes (and, beside attackers, views and drops); a replica placed elsewhere
        // (network namespaces) is scraped only when attackers run, where the counts are the finding
        int[] metricsPorts = faultyClientsMax > 0 || placement == ReplicaPlacement.LOCAL
                ? metricsPorts(config, arguments) : null;
        placement.prepare(config);
        this.cluster = new LocalCluster(generated.config(), generated.clusterFile(), directory,
                LocalCluster.Launcher.current(options.mainClass(), options.replicaJvmOptions())
                        .withPrefix(placement::launchPrefix),
                id -> metricsPorts == null ? arguments : withMetricsPort(arguments, metricsPorts[id]));
        Path caCertificate = generated.clusterFile().resolveSibling(CA_CERTIFICATE_FILE_NAME);
        this.clientSecurity = options.workload().transport().clientSecurity(generated.config());
        this.watch = new ClusterWatch(cluster, metricsPorts, Files.exists(caCertificate) && clientSecurity.isTls()
                ? caCertificate : null);
        try {
            // says which replica did not start, and why
            cluster.startAll().awaitReady(Duration.ofSeconds(60), placement::probeHost);
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
        this.group = new ClientGroup(generated.config(), clientNetSettings, clientSecurity);
        this.sentRequests = faultyClientsMax > 0 ? new SentRequests() : null;
        for (long id = ClusterGenerator.FIRST_CLIENT_ID; id < ClusterGenerator.FIRST_CLIENT_ID + clientsMax; id++) {
            SigningKey key = KeyFiles.readPrivateKey(generated.clientKeyFiles().get(id));
            ClientOptions clientOptions = options.workload().clientOptions();
            clients.add(sentRequests == null ? group.connect(id, key, clientOptions)
                    : group.connect(id, key, clientOptions, transport -> new RecordingTransport(transport, sentRequests)));
        }
        long firstFaulty = ClusterGenerator.FIRST_CLIENT_ID + clientsMax;
        for (long id = firstFaulty; id < firstFaulty + faultyClientsMax; id++) {
            faultyClientKeys.add(KeyFiles.readPrivateKey(generated.clientKeyFiles().get(id)));
        }
    }

    /**
     * Each replica's metrics port: the ports after the cluster's own, or none if the replica
     * arguments already name one (then views and drop counts are not read).
     */
    private static int[] metricsPorts(ClusterConfig config, List<String> arguments) {
        if (arguments.stream().anyMatch(a -> a.startsWith("--metrics-port"))) {
            return null;
        }
        int last = config.replicas().stream()
                .mapToInt(r -> Math.max(r.replicaPort(), Math.max(r.clientPort(), r.webPort()))).max().orElseThrow();
        int[] ports = new int[config.n()];
        for (int id = 0; id < ports.length; id++) {
            ports[id] = last + 1 + id;
        }
        return ports;
    }

    private static List<String> withMetricsPort(List<String> arguments, int port) {
        List<String> all = new ArrayList<>(arguments);
        all.add("--metrics-port=" + port);
        return all;
    }

    public LocalCluster cluster() {
        return cluster;
    }

    /** The connected clients (as many as the largest configuration needs). */
    public List<BastionClient> clients() {
        return clients;
    }

    public Options options() {
        return options;
    }

    /** What the replicas did between two points of the run. */
    ClusterWatch watch() {
        return watch;
    }

    /**
     * Starts {@code count} attackers (of the clients registered for them, in id order), each
     * sending {@code operation} requests in its own way, at most {@code requestsPerSecondMax} per
     * second each (0: full speed). The caller closes them.
     */
    public List<FaultyClient> startFaultyClients(Attack attack, int count, byte[] operation, long requestsPerSecondMax) {
        Check.argument(count >= 1 && count <= faultyClientKeys.size(), "only " + faultyClientKeys.size()
                + " clients are registered for attackers, " + count + " asked for");
        long firstId = ClusterGenerator.FIRST_CLIENT_ID + clientsMax;
        List<FaultyClient> started = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            started.add(new FaultyClient(generated.config(), firstId + i, faultyClientKeys.get(i), attack, operation,
                    sentRequests, requestsPerSecondMax, clientNetSettings, clientSecurity,
                    ThreadLocalRandom.current().nextLong())
                    .start());
        }
        return started;
    }

    /** Runs one configuration with registered clients: warm-up, then the measured window. */
    public BenchResult run(BenchConfig config, PrintStream log) throws InterruptedException {
        return run(config, ClientsKind.STATIC, log);
    }

    /** Lines of a dead replica's log quoted in a failure. */
    public static final int LOG_TAIL_LINES = 20;
    /** How often the cluster's processes are checked while a configuration runs. */
    static final Duration LIVENESS_CHECK = Duration.ofMillis(200);

    /**
     * Runs one configuration with {@code kind} clients: warm-up, then the measured window. A
     * configuration whose numbers do not describe a working cluster comes back with a
     * {@linkplain BenchResult#failure() failure}: a replica exited (the window then ends early; the
     * failure quotes the end of its log), no request completed, or requests failed.
     */
    public BenchResult run(BenchConfig config, ClientsKind kind, PrintStream log) throws InterruptedException {
        return run(config, kind, null, log);
    }

    /** What runs beside the honest clients during a configuration, started by the caller before it. */
    interface Beside {
        /** Added to the result's workload label, e.g. {@code 1x flood}. */
        String label();

        /** Called as soon as the measured window ended, before the clients finish their last requests. */
        void windowEnded();
    }

    /**
     * As {@link #run(BenchConfig, ClientsKind, PrintStream)}, with {@code beside} running meanwhile
     * ({@code null}: nothing). Beside attackers, a window in which no honest request completed is
     * a finding, not a failure: whether the cluster recovered shows in the clients' last requests
     * (they fail after their timeout) and in the next window without attackers.
     */
    BenchResult run(BenchConfig config, ClientsKind kind, Beside beside, PrintStream log) throws InterruptedException {
        List<BastionClient> senders = kind == ClientsKind.STATIC ? clients : dynamicClients(log);
        String label = kind.label(options.workload()) + (beside == null ? "" : " + " + beside.label());
        byte[] operation = NullService.operation(config.requestBytes(), config.replyBytes());
        Recorder recorder = new Recorder(3_600_000_000L, 3);
        AtomicLong completed = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < config.clients(); c++) {
            BastionClient client = senders.get(c);
            threads.add(Thread.ofVirtual().start(() -> loop(client, operation, recorder, completed, errors, firstError,
                    stop)));
        }
        Duration warmup = warmedUp ? options.warmup() : options.firstWarmup();
        log.printf("%-20s %-24s warming up for %d s, then measuring for %d s%n", label, config.label(),
                warmup.toSeconds(), options.measure().toSeconds());
        boolean replicasLive = warmUp(warmup);
        warmedUp = true;
        ClusterWatch.Mark executedBefore = watch.mark();
        recorder.reset();
        long startRequests = completed.get();
        long startErrors = errors.get();
        long startNanos = System.nanoTime();
        CpuTimes cpuStart = cpuTimes();
        replicasLive = replicasLive && whileReplicasLive(options.measure());
        long requests = completed.get() - startRequests;
        Histogram histogram = recorder.getIntervalHistogram();
        CpuTimes cpuEnd = cpuTimes();
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        ClusterWatch.Executed executed = watch.executedSince(executedBefore);
        if (beside != null) {
            beside.windowEnded();
        }
        stop.set(true);
        for (Thread t : threads) {
            t.join(60_000);
        }
        double replicaMicros = (cpuEnd.replicasNanos() - cpuStart.replicasNanos()) / 1e3;
        double allMicros = replicaMicros + (cpuEnd.selfNanos() - cpuStart.selfNanos()) / 1e3;
        String failure = failure(requests, beside == null, errors.get(), firstError.get());
        BenchResult result = new BenchResult(label, config, seconds, requests, requests / seconds,
                histogram.getValueAtPercentile(50) / 1e6, histogram.getValueAtPercentile(99) / 1e6,
                histogram.getValueAtPercentile(99.9) / 1e6, histogram.getMaxValue() / 1e6, histogram.getMean() / 1e6,
                requests == 0 ? 0 : allMicros / requests, requests == 0 ? 0 : replicaMicros / requests,
                executed == null ? 0 : executed.requestsPerBatch(), errors.get() - startErrors, failure);
        log.printf("%-20s %-24s %9.0f req/s   p50 %7.2f ms   p99 %7.2f ms   p99.9 %7.2f ms   CPU %6.0f µs/req (replicas %6.0f)%s%s%n",
                label, config.label(), result.requestsPerSecond(), result.p50Millis(), result.p99Millis(), result.p999Millis(),
                result.cpuMicrosPerRequest(), result.replicaCpuMicrosPerRequest(),
                result.requestsPerBatch() > 0 ? String.format("   %.1f req/batch", result.requestsPerBatch()) : "",
                failure == null ? "" : "   FAILED");
        return result;
    }

    /**
     * How often a warm-up reads the replicas' metrics. The measured window begins and ends with a
     * read ({@link ClusterWatch#mark()}); a replica's first read runs code its JIT has not seen (a
     * TLS handshake, the HTTP handlers in its Netty pipeline), whose compilation and deoptimized
     * network code would otherwise fall inside the window. Reading during the warm-up, as a
     * monitoring system would, moves that before it.
     */
    static final Duration WARMUP_SCRAPE_EVERY = Duration.ofSeconds(10);

    /** The warm-up: waits {@code duration}, reading every replica's metrics at once and every {@link #WARMUP_SCRAPE_EVERY}. */
    private boolean warmUp(Duration duration) throws InterruptedException {
        return waitScraping(duration, WARMUP_SCRAPE_EVERY, watch::scrapeAll, this::whileReplicasLive, System::nanoTime);
    }

    /** Waits for a duration; false as soon as a replica process exited on its own. */
    interface Wait {
        boolean whileLive(Duration duration) throws InterruptedException;
    }

    /**
     * Waits {@code duration} by {@code clock} with {@code wait}, running {@code scrape} at once and
     * then every {@code every} until the duration is over; false as soon as {@code wait} says a
     * replica exited.
     */
    static boolean waitScraping(Duration duration, Duration every, Runnable scrape, Wait wait, LongSupplier clock)
            throws InterruptedException {
        long deadline = clock.getAsLong() + duration.toNanos();
        for (long left = duration.toNanos(); left > 0; left = deadline - clock.getAsLong()) {
            scrape.run();
            if (!wait.whileLive(Duration.ofNanos(Math.min(left, every.toNanos())))) {
                return false;
            }
        }
        return true;
    }

    /** Waits {@code duration}; false as soon as a replica process exited on its own. */
    private boolean whileReplicasLive(Duration duration) throws InterruptedException {
        long deadline = System.nanoTime() + duration.toNanos();
        while (cluster.exitedOnTheirOwn().isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return true;
            }
            Thread.sleep(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, LIVENESS_CHECK.toMillis()));
        }
        return false;
    }

    /** Why a configuration's numbers do not describe a working cluster, or {@code null} when they do. */
    private String failure(long requests, boolean completionsRequired, long errors, String firstError) {
        List<String> problems = new ArrayList<>();
        for (int id : cluster.exitedOnTheirOwn()) {
            problems.add(cluster.exitReport(id, LOG_TAIL_LINES));
        }
        if (requests == 0 && completionsRequired) {
            problems.add("no request completed in the measured window");
        }
        if (errors > 0) {
            problems.add(errors + " requests failed at the client (the first: " + firstError + ")");
        }
        return problems.isEmpty() ? null : String.join("\n", problems);
    }

    /** The dynamic clients (as many as registered ones), joined concurrently the first time they are needed. */
    private List<BastionClient> dynamicClients(PrintStream log) throws InterruptedException {
        if (dynamicClients.isEmpty()) {
            JoinRound round = joinConcurrently(clientsMax, "bench-load");
            List<Joined> joined = round.joined();
            for (Joined j : joined) {
                if (j.failure() != null) {
                    joined.forEach(k -> k.client().close());
                    throw new IllegalStateException("a dynamic client could not join: " + j.failure().getMessage(),
                            j.failure());
                }
                dynamicClients.add(j.client());
            }
            log.printf("%d dynamic clients joined in %.0f ms%n", clientsMax, round.elapsedNanos() / 1e6);
        }
        return dynamicClients;
    }

    private record Joined(BastionClient client, long latencyNanos, Exception failure) {}

    /** Every client's join, and the time from letting them all go until the last one finished. */
    private record JoinRound(List<Joined> joined, long elapsedNanos) {}

    /**
     * Connects {@code count} dynamic clients with fresh keys, then lets them all join at once
     * (credentials {@code <prefix>-<i>-<random>}, so runs never sign in over each other).
     */
    private JoinRound joinConcurrently(int count, String prefix) throws InterruptedException {
        SecureRandom random = new SecureRandom();
        String run = Long.toHexString(random.nextLong());
        List<BastionClient> connected = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            SigningKey key = Ed25519SigningKey.generate(random);
            connected.add(group.connectDynamic(key, key.publicKey(),
                    options.workload().clientOptions()));
        }
        CountDownLatch gate = new CountDownLatch(1);
        Joined[] results = new Joined[count];
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int index = i;
            byte[] credentials = (prefix + "-" + i + "-" + run).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            threads.add(Thread.ofVirtual().start(() -> {
                BastionClient client = connected.get(index);
                try {
                    gate.await();
                    long start = System.nanoTime();
                    client.join(credentials);
                    results[index] = new Joined(client, System.nanoTime() - start, null);
                } catch (Exception e) {
                    results[index] = new Joined(client, 0, e);
                }
            }));
        }
        long start = System.nanoTime();
        gate.countDown();
        for (Thread t : threads) {
            t.join();
        }
        return new JoinRound(List.of(results), System.nanoTime() - start);
    }

    /** Longest join latency recorded as such (a join cannot take longer than the client's timeouts allow). */
    private static final long JOIN_LATENCY_MAX_NANOS = 300_000_000_000L;

    /**
     * {@code count} fresh dynamic clients join at once; reports joins per second (from the start
     * until the last one finished) and latency percentiles. The clients close afterwards; their
     * sessions stay until evicted. {@code helloRate} is what the replicas were started with, for the record.
     */
    public JoinBenchResult measureJoins(int count, long helloRate, PrintStream log) throws InterruptedException {
        Histogram histogram = new Histogram(JOIN_LATENCY_MAX_NANOS, 3);
        JoinRound round = joinConcurrently(count, "bench-join");
        List<Joined> joined = round.joined();
        double seconds = round.elapsedNanos() / 1e9;
        int failures = 0;
        for (Joined j : joined) {
            if (j.failure() == null) {
                histogram.recordValue(Math.min(j.latencyNanos(), JOIN_LATENCY_MAX_NANOS));
            } else {
                failures++;
            }
            j.client().close();
        }
        int succeeded = count - failures;
        JoinBenchResult result = new JoinBenchResult(options.workload().label(), count, failures, seconds,
                succeeded / seconds, histogram.getValueAtPercentile(50) / 1e6, histogram.getValueAtPercentile(99) / 1e6,
                histogram.getMaxValue() / 1e6, helloRate);
        log.printf("%-20s %-24s %9.0f joins/s   p50 %7.2f ms   p99 %7.2f ms   max %7.2f ms   failed %d"
                        + "   (Hello/Join limit %d/s per connection)%n", options.workload().label(),
                count + " joining at once", result.joinsPerSecond(), result.p50Millis(), result.p99Millis(),
                result.maxMillis(), failures, helloRate);
        return result;
    }

    private static void loop(BastionClient client, byte[] operation, Recorder recorder, AtomicLong completed,
                             AtomicLong errors, AtomicReference<String> firstError, AtomicBoolean stop) {
        while (!stop.get()) {
            long start = System.nanoTime();
            try {
                client.invoke(operation);
                recorder.recordValue(Math.min(System.nanoTime() - start, 3_600_000_000L));
                completed.incrementAndGet();
            } catch (Exception e) {
                errors.incrementAndGet();
                firstError.compareAndSet(null, e.toString());
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
        dynamicClients.forEach(BastionClient::close);
        group.close();
        cluster.close();
    }

    /**
     * For the JSON file: a run's settings and results. {@code failed} marks a run whose cluster
     * failed ({@code failure} says how; {@code results} then hold what was measured until then).
     * {@code faultyClients} compares honest throughput without and with attackers, per attack
     * (its windows are among {@code results} too).
     */
    public record Report(String machine, int cores, String jdk, List<String> workloads, int replicas, long firstWarmupSeconds,
                         long warmupSeconds, long measureSeconds,
                         List<String> replicaJvmOptions, List<String> replicaArguments, ProtocolSettings protocol,
                         List<BenchResult> results, List<JoinBenchResult> joins, List<FaultyClientsResult> faultyClients,
                         boolean failed, String failure) {
        public static Report of(Options options, List<Workload> workloads, List<BenchResult> results) {
            return of(options, workloads, results, List.of());
        }

        public static Report of(Options options, List<Workload> workloads, List<BenchResult> results,
                                List<JoinBenchResult> joins) {
            return of(options, workloads, results, joins, null);
        }

        /** A report of a run that ended with {@code failure} ({@code null}: it did not fail). */
        public static Report of(Options options, List<Workload> workloads, List<BenchResult> results,
                                List<JoinBenchResult> joins, String failure) {
            return of(options, workloads, results, joins, List.of(), failure);
        }

        /** As above, with the comparisons of honest throughput without and with faulty clients. */
        public static Report of(Options options, List<Workload> workloads, List<BenchResult> results,
                                List<JoinBenchResult> joins, List<FaultyClientsResult> faultyClients, String failure) {
            return new Report(System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                    Runtime.getRuntime().availableProcessors(), Runtime.version().toString(),
                    workloads.stream().map(Workload::label).toList(),
                    options.replicas(),
                    options.firstWarmup().toSeconds(), options.warmup().toSeconds(), options.measure().toSeconds(), options.replicaJvmOptions(),
                    options.replicaArguments(), options.settings(), results, joins, faultyClients, failure != null, failure);
        }
    }

}
