package io.bastion.bench.threshold;

import io.bastion.bench.threshold.ThresholdBenchReport.Window;
import io.bastion.bench.threshold.ThresholdOperation.Keys;
import io.bastion.client.BastionClient;
import io.bastion.client.ClientGroup;
import io.bastion.client.ClientOptions;
import io.bastion.core.util.Check;
import io.bastion.crypto.KeyFiles;
import io.bastion.net.NetSettings;
import io.bastion.net.config.ClusterGenerator;
import io.bastion.net.tls.ClientSecurity;
import io.bastion.server.local.LocalCluster;
import io.bastion.threshold.Suite;
import io.bastion.threshold.ThresholdLedger;
import io.bastion.threshold.ThresholdOp;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The threshold cryptography of one local cluster, end to end: replica JVMs running
 * {@code --service threshold} on this machine (started as {@code bastion bench} starts them),
 * registered clients in this JVM. {@link #run} goes through, in order:
 * <ol>
 *   <li>enrollment: a P-256 KeyGen is ordered until the ledger accepts it (2f+1 replicas enrolled
 *       their share-box keys), then awaited until every replica holds its share of that key;</li>
 *   <li>the Ed25519 key the signatures use (its generation timed, cold);</li>
 *   <li>a warm-up: every operation in turn, unmeasured, for the first warm-up time together;</li>
 *   <li>key generation: {@code keys} P-256 keys one after the other, each timed from ordering its
 *       KeyGen to the first KeyQuery that 2f+1 replicas answer with the key;</li>
 *   <li>a window per operation: every client runs that operation again and again (warm-up, then
 *       measured), each result checked.</li>
 * </ol>
 * A replica that exits, an operation refused, timed out or wrong, or a window without any
 * completed operation ends the run, which then says why. Driven by one thread. {@link #close}
 * stops every replica started (by PID), and so does the JVM's shutdown (Ctrl-C) meanwhile.
 */
public final class ThresholdBenchmark implements AutoCloseable {
    /**
     * Settings of one cluster's run.
     *
     * @param clients    concurrent clients, each with one operation at a time; fewer than
     *                   {@link ThresholdLedger#OPERATIONS_PENDING_MAX}, past which the ledger refuses
     * @param keys       P-256 keys whose generation is timed
     * @param poll       how often a client reads whether its key or operation is ready
     * @param mainClass  the class replica JVMs start with ({@code bastion}'s)
     */
    public record Options(int replicas, int clients, int keys, Duration firstWarmup, Duration warmup, Duration measure,
                          Duration poll, List<ThresholdOperation> operations, List<String> replicaJvmOptions,
                          String mainClass, int basePort) {
        public Options {
            Check.argument(replicas >= 4, "a threshold cluster needs at least 4 replicas (f >= 1), got " + replicas);
            Check.argument(clients >= 1 && clients < ThresholdLedger.OPERATIONS_PENDING_MAX, "clients must be in 1.."
                    + (ThresholdLedger.OPERATIONS_PENDING_MAX - 1) + " (the ledger refuses operations past "
                    + ThresholdLedger.OPERATIONS_PENDING_MAX + " pending), got " + clients);
            Check.argument(keys >= 1 && keys <= KEYS_TIMED_MAX, "keys must be in 1.." + KEYS_TIMED_MAX + ", got " + keys);
            Check.argument(!poll.isNegative() && !poll.isZero(), "the poll interval must be positive");
            Check.argument(!operations.isEmpty(), "no operation to measure");
            operations = List.copyOf(operations);
            replicaJvmOptions = List.copyOf(replicaJvmOptions);
        }
    }

    /** Timed keys at most: the ledger holds {@link ThresholdLedger#KEYS_MAX}, two of them the benchmark's own. */
    public static final int KEYS_TIMED_MAX = ThresholdLedger.KEYS_MAX - 2;
    static final String ENROLLMENT_KEY = "bench-p256";
    static final String SIGNING_KEY = "bench-ed25519";
    static final String TIMED_KEY_PREFIX = "bench-p256-timed-";
    /** The replica's directory of threshold secrets inside its data directory (as {@code bastion replica} names it). */
    static final String REPLICA_THRESHOLD_DIRECTORY = "threshold";
    static final Duration START_BOUND = Duration.ofSeconds(60);
    static final Duration KEY_BOUND = Duration.ofSeconds(120);
    static final Duration OPERATION_BOUND = Duration.ofSeconds(60);
    /** How long a client's last operation may take to finish once a window ended. */
    static final Duration STOP_BOUND = OPERATION_BOUND.plusSeconds(30);
    static final Duration ENROLLMENT_RETRY = Duration.ofMillis(100);
    static final Duration LIVENESS_CHECK = Duration.ofMillis(200);
    static final long LATENCY_MAX_NANOS = STOP_BOUND.toNanos();
    /** Lines of a dead replica's log quoted in a failure. */
    static final int LOG_TAIL_LINES = 20;

    private final Options options;
    private final LocalCluster cluster;
    private final Thread stopAtExit;
    private ClientGroup group;
    private final List<BastionClient> connections = new ArrayList<>();
    private final List<ThresholdClient> clients = new ArrayList<>();
    private final SecureRandom random = new SecureRandom();
    private long readyNanos;

    /** Generates the cluster's keys and files in {@code directory}, starts the replicas and connects the clients. */
    public ThresholdBenchmark(Path directory, Options options) throws Exception {
        this.options = options;
        ClusterGenerator.Generated generated = ClusterGenerator.generate(directory, options.replicas(), options.clients(),
                options.basePort(), random);
        this.cluster = new LocalCluster(generated.config(), generated.clusterFile(), directory,
                LocalCluster.Launcher.current(options.mainClass(), options.replicaJvmOptions()),
                List.of("--service", "threshold"));
        this.stopAtExit = new Thread(cluster::close, "threshold-bench-stop");
        Runtime.getRuntime().addShutdownHook(stopAtExit);
        try {
            cluster.startAll().awaitReady(START_BOUND);
            readyNanos = System.nanoTime();
            group = new ClientGroup(generated.config(), NetSettings.DEFAULTS, ClientSecurity.tls(generated.config()));
            for (long id = ClusterGenerator.FIRST_CLIENT_ID; id < ClusterGenerator.FIRST_CLIENT_ID + options.clients(); id++) {
                BastionClient connection = group.connect(id, KeyFiles.readPrivateKey(generated.clientKeyFiles().get(id)),
                        ClientOptions.defaults().withRequestTimeout(OPERATION_BOUND));
                connections.add(connection);
                clients.add(new ThresholdClient(connection, options.poll(), OPERATION_BOUND));
            }
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    /** The whole run on this cluster; a failure ends it early and is in the result. */
    public ThresholdBenchReport.Cluster run(PrintStream log) {
        String label = "n=" + options.replicas();
        double enrolledMillis = Double.NaN;
        double ed25519KeyMillis = Double.NaN;
        List<Double> keyMillis = new ArrayList<>();
        List<Window> windows = new ArrayList<>();
        String failure = null;
        try {
            enrolledMillis = awaitEnrollment(label, log);
            String p256Reply = awaitEveryShare(ENROLLMENT_KEY, label, log);
            ed25519KeyMillis = generateKey(SIGNING_KEY, Suite.ED25519);
            log.printf("%s: Ed25519 key %s usable after %.0f ms (cold)%n", label, SIGNING_KEY, ed25519KeyMillis);
            Keys keys = Keys.of(ENROLLMENT_KEY, p256Reply, SIGNING_KEY, clients.get(0).awaitKey(SIGNING_KEY), random);
            failure = warmUp(keys, label, log);
            for (int i = 0; i < options.keys() && failure == null; i++) {
                keyMillis.add(generateKey(TIMED_KEY_PREFIX + i, Suite.P256));
                log.printf("%s: P-256 key %d of %d usable at 2f+1 replicas after %.0f ms%n", label, i + 1, options.keys(),
                        keyMillis.getLast());
            }
            for (ThresholdOperation operation : options.operations()) {
                if (failure != null) {
                    break;
                }
                Window window = window(operation, keys, label, log);
                windows.add(window);
                failure = window.failure() == null ? null : operation.label() + ": " + window.failure();
            }
        } catch (Exception e) {
            failure = withExitedReplicas(e.getMessage() != null ? e.getMessage() : e.toString());
        }
        return new ThresholdBenchReport.Cluster(options.replicas(), (options.replicas() - 1) / 3, enrolledMillis,
                ed25519KeyMillis, List.copyOf(keyMillis), median(keyMillis), List.copyOf(windows), failure);
    }

    /** Orders a P-256 KeyGen until the ledger accepts it; the milliseconds since every replica listened. */
    private double awaitEnrollment(String label, PrintStream log) throws Exception {
        long deadline = System.nanoTime() + KEY_BOUND.toNanos();
        while (true) {
            String reply = clients.get(0).order(new ThresholdOp.KeyGen(ENROLLMENT_KEY, Suite.P256));
            if (reply.startsWith("ok ")) {
                break;
            }
            if (!reply.contains("enrolled") || System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("key generation refused: " + reply);
            }
            Thread.sleep(ENROLLMENT_RETRY);
        }
        double millis = (System.nanoTime() - readyNanos) / 1e6;
        log.printf("%s: 2f+1 replicas enrolled %.0f ms after all listened; generating %s%n", label, millis,
                ENROLLMENT_KEY);
        return millis;
    }

    /**
     * Waits until key {@code name} is usable and not resharing, and every replica holds its share
     * of the key's epoch (a replica that enrolled too late asks for a reshare, which gives it one).
     */
    private String awaitEveryShare(String name, String label, PrintStream log) throws Exception {
        long deadline = System.nanoTime() + KEY_BOUND.toNanos();
        while (true) {
            String reply = clients.get(0).awaitKey(name);
            int epoch = Integer.parseInt(ThresholdClient.field(reply, "epoch"));
            List<Integer> missing = new ArrayList<>();
            for (int id = 0; id < options.replicas(); id++) {
                if (!Files.exists(shareFile(id, name, epoch))) {
                    missing.add(id);
                }
            }
            if (missing.isEmpty() && ThresholdClient.field(reply, "resharing").equals("false")) {
                log.printf("%s: every replica holds its share of %s (epoch %d)%n", label, name, epoch);
                return reply;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("replicas " + missing + " hold no share of " + name + " (epoch " + epoch
                        + ") after " + KEY_BOUND);
            }
            Thread.sleep(ENROLLMENT_RETRY);
        }
    }

    /** Where replica {@code id} keeps its share of a key's epoch (FileShareStore's name for it). */
    private Path shareFile(int id, String key, int epoch) {
        return cluster.directory().resolve("data-" + id).resolve(REPLICA_THRESHOLD_DIRECTORY)
                .resolve("share-" + HexFormat.of().formatHex(key.getBytes(StandardCharsets.UTF_8)) + "-" + epoch);
    }

    /** Milliseconds from ordering a KeyGen to the first KeyQuery answered with the key by 2f+1 replicas. */
    private double generateKey(String name, Suite suite) throws Exception {
        ThresholdClient client = clients.get(0);
        long start = System.nanoTime();
        String reply = client.order(new ThresholdOp.KeyGen(name, suite));
        if (!reply.equals("ok key " + name + " generating")) {
            throw new IllegalStateException("KeyGen " + name + ": the cluster answered " + reply);
        }
        client.awaitKey(name);
        return (System.nanoTime() - start) / 1e6;
    }

    /** Every operation in turn, unmeasured, for the first warm-up time together; a failure or {@code null}. */
    private String warmUp(Keys keys, String label, PrintStream log) throws InterruptedException {
        if (options.firstWarmup().isZero()) {
            return null;
        }
        Duration each = options.firstWarmup().dividedBy(options.operations().size());
        log.printf("%s: warming up for %d s (%s, %d clients)%n", label, options.firstWarmup().toSeconds(),
                options.operations().stream().map(ThresholdOperation::label).toList(), options.clients());
        for (ThresholdOperation operation : options.operations()) {
            Load load = new Load(operation, keys);
            boolean live = whileReplicasLive(each);
            load.stop();
            String failure = failure(live, load.completed.get(), load.errors.get(), load.firstError.get());
            if (failure != null) {
                return "warm-up, " + operation.label() + ": " + failure;
            }
        }
        return null;
    }

    /** One operation: warm-up, then the measured window. */
    private Window window(ThresholdOperation operation, Keys keys, String label, PrintStream log)
            throws InterruptedException {
        log.printf("%s: %-8s warming up for %d s, then measuring for %d s%n", label, operation.label(),
                options.warmup().toSeconds(), options.measure().toSeconds());
        Load load = new Load(operation, keys);
        boolean live = whileReplicasLive(options.warmup());
        load.recorder.reset();
        long completed0 = load.completed.get();
        long errors0 = load.errors.get();
        long reads0 = reads();
        long fallbacks0 = readOnlyFallbacks();
        long cpu0 = replicaCpuNanos();
        long start = System.nanoTime();
        live = live && whileReplicasLive(options.measure());
        double seconds = (System.nanoTime() - start) / 1e9;
        long completed = load.completed.get() - completed0;
        Histogram latency = load.recorder.getIntervalHistogram();
        long reads = reads() - reads0;
        long fallbacks = readOnlyFallbacks() - fallbacks0;
        long cpu = replicaCpuNanos() - cpu0;
        load.stop();
        String failure = failure(live, completed, load.errors.get(), load.firstError.get());
        Window window = new Window(operation.label(), seconds, completed, completed / seconds,
                latency.getValueAtPercentile(50) / 1e6, latency.getValueAtPercentile(99) / 1e6,
                latency.getMaxValue() / 1e6, completed == 0 ? 0 : (double) reads / completed, fallbacks,
                completed == 0 ? 0 : cpu / 1e6 / completed, load.errors.get() - errors0, failure);
        log.printf("%s: %-8s %8.1f op/s   p50 %8.1f ms   p99 %8.1f ms   %5.1f reads/op (%d ordered instead)"
                        + "   replica CPU %7.2f ms/op%s%n", label, operation.label(), window.perSecond(), window.p50Millis(),
                window.p99Millis(), window.readsPerOperation(), fallbacks, window.replicaCpuMillisPerOperation(),
                failure == null ? "" : "   FAILED");
        return window;
    }

    /** Every client running one operation after another until stopped. */
    private final class Load {
        final Recorder recorder = new Recorder(LATENCY_MAX_NANOS, 3);
        final AtomicLong completed = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicReference<String> firstError = new AtomicReference<>();
        private final AtomicBoolean stopped = new AtomicBoolean();
        private final List<Thread> threads = new ArrayList<>();

        Load(ThresholdOperation operation, Keys keys) {
            String run = Long.toHexString(random.nextLong());
            for (int i = 0; i < clients.size(); i++) {
                ThresholdClient client = clients.get(i);
                String tag = "bench-" + run + "-c" + i;
                threads.add(Thread.ofVirtual().name("threshold-bench-" + tag).start(() -> loop(operation, keys, client, tag)));
            }
        }

        private void loop(ThresholdOperation operation, Keys keys, ThresholdClient client, String tag) {
            for (long sequence = 0; !stopped.get(); sequence++) {
                long start = System.nanoTime();
                try {
                    operation.runOnce(client, keys, tag, sequence);
                    recorder.recordValue(Math.min(System.nanoTime() - start, LATENCY_MAX_NANOS));
                    completed.incrementAndGet();
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    errors.incrementAndGet();
                    firstError.compareAndSet(null, e.getMessage() != null ? e.getMessage() : e.toString());
                }
            }
        }

        /** Lets every client finish the operation it is in, within {@link #STOP_BOUND}. */
        void stop() throws InterruptedException {
            stopped.set(true);
            long deadline = System.nanoTime() + STOP_BOUND.toNanos();
            for (Thread t : threads) {
                if (!t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) {
                    errors.incrementAndGet();
                    firstError.compareAndSet(null, "a client's operation did not end within " + STOP_BOUND);
                }
            }
        }
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

    /** Why a window's numbers do not describe a working cluster, or {@code null} when they do. */
    private String failure(boolean replicasLive, long completed, long errors, String firstError) {
        List<String> problems = new ArrayList<>();
        if (!replicasLive) {
            problems.add(withExitedReplicas("a replica exited"));
        }
        if (completed == 0) {
            problems.add("no operation completed");
        }
        if (errors > 0) {
            problems.add(errors + " operations failed (the first: " + firstError + ")");
        }
        return problems.isEmpty() ? null : String.join("; ", problems);
    }

    /** {@code what}, with the exit code and end of log of every replica that exited on its own. */
    private String withExitedReplicas(String what) {
        StringBuilder text = new StringBuilder(what);
        for (int id : cluster.exitedOnTheirOwn()) {
            text.append('\n').append(cluster.exitReport(id, LOG_TAIL_LINES));
        }
        return text.toString();
    }

    private long reads() {
        return clients.stream().mapToLong(ThresholdClient::reads).sum();
    }

    private long readOnlyFallbacks() {
        return clients.stream().mapToLong(ThresholdClient::readOnlyFallbacks).sum();
    }

    /** CPU time of every replica process so far. */
    private long replicaCpuNanos() {
        long total = 0;
        for (int id = 0; id < options.replicas(); id++) {
            Process p = cluster.process(id);
            if (p != null) {
                total += p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
            }
        }
        return total;
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    /** Closes the clients and stops every replica process this benchmark started. */
    @Override
    public void close() {
        connections.forEach(BastionClient::close);
        if (group != null) {
            group.close();
        }
        cluster.close();
        try {
            Runtime.getRuntime().removeShutdownHook(stopAtExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to: it stops the replicas too
        }
    }
}
