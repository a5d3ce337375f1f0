package io.bastion.cli;

import io.bastion.client.BastionClient;
import io.bastion.client.ClientGroup;
import io.bastion.client.ClientOptions;
import io.bastion.core.config.ClusterConfig;
import io.bastion.crypto.KeyFiles;
import io.bastion.net.config.ClusterFile;
import io.bastion.net.config.ClusterGenerator;
import io.bastion.server.local.LocalCluster;
import io.bastion.net.testing.Await;
import io.bastion.net.testing.Ports;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Four replica JVMs ({@code bastion replica --service <service>}, checkpoints every 16 unless told) and four
 * registered clients sending one operation in a closed loop: what the process tests kill, restart
 * and wipe under load. Counts acknowledged requests and keeps every client error. Closes
 * everything it started.
 */
final class ProcessLoad implements AutoCloseable {
    static final int CHECKPOINT_INTERVAL = 16;
    private static final int CLIENTS = 4;
    private static final Duration BOUND = Duration.ofSeconds(90);

    final ClusterConfig config;
    /** The cluster file, beside the replicas' and clients' keys: what {@code bastion client --config} reads. */
    final Path clusterFile;
    final LocalCluster cluster;
    final List<BastionClient> clients = new ArrayList<>();
    private final List<BastionClient> dynamicClients = new CopyOnWriteArrayList<>();
    private final ClientGroup group;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong lastCompletionNanos = new AtomicLong();
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private final List<Thread> load = new ArrayList<>();

    private ProcessLoad(ClusterConfig config, Path clusterFile, LocalCluster cluster, ClientGroup group) {
        this.config = config;
        this.clusterFile = clusterFile;
        this.cluster = cluster;
        this.group = group;
    }

    static ProcessLoad start(Path directory, String service) throws Exception {
        return start(directory, service, false);
    }

    /**
     * As above; with {@code dynamic}, the clients are dynamic ones that joined (fresh keys,
     * credentials {@code load-<i>}) instead of the cluster file's registered ones.
     */
    static ProcessLoad start(Path directory, String service, boolean dynamic) throws Exception {
        return start(directory, id -> List.of("--service", service), dynamic);
    }

    /** As above, with each replica's own arguments (a test fault for one, say). */
    static ProcessLoad start(Path directory, java.util.function.IntFunction<List<String>> replicaArguments,
                             boolean dynamic) throws Exception {
        return start(directory, replicaArguments, dynamic, CHECKPOINT_INTERVAL);
    }

    /** As above, with a checkpoint every {@code checkpointInterval} batches. */
    static ProcessLoad start(Path directory, java.util.function.IntFunction<List<String>> replicaArguments,
                             boolean dynamic, int checkpointInterval) throws Exception {
        var generated = ClusterGenerator.generate(directory, 4, CLIENTS, Ports.base(12), new SecureRandom());
        var config = new ClusterConfig(1, generated.config().replicas(), generated.config().clients(),
                generated.config().settings().withCheckpointInterval(checkpointInterval, 2 * checkpointInterval));
        ClusterFile.write(config, generated.clusterFile());
        LocalCluster cluster = new LocalCluster(config, generated.clusterFile(), directory,
                LocalCluster.Launcher.current(Bastion.class.getName(), TestProcesses.REPLICA_JVM),
                replicaArguments);
        ProcessLoad started = new ProcessLoad(config, generated.clusterFile(), cluster, new ClientGroup(config));
        try {
            cluster.startAll().awaitReady(Duration.ofSeconds(60));
            ClientOptions options = ClientOptions.defaults().withRequestTimeout(Duration.ofSeconds(60))
                    .withUnreachableAfter(Duration.ofSeconds(60));
            for (long id = 1; id <= CLIENTS; id++) {
                if (dynamic) {
                    var key = io.bastion.crypto.Ed25519SigningKey.generate(new SecureRandom());
                    BastionClient client = started.group.connectDynamic(key, key.publicKey(), options);
                    started.clients.add(client);
                    client.join(("load-" + id).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                } else {
                    started.clients.add(started.group.connect(id,
                            KeyFiles.readPrivateKey(generated.clientKeyFiles().get(id)), options));
                }
            }
            return started;
        } catch (Exception | Error e) {
            started.close();
            throw e;
        }
    }

    /** Every client sends {@code operation} again as soon as {@code checkReply} accepted the last reply. */
    void startLoad(byte[] operation, Consumer<byte[]> checkReply) {
        stop.set(false);
        for (BastionClient client : clients) {
            load.add(Thread.ofVirtual().start(() -> {
                try {
                    while (!stop.get()) {
                        checkReply.accept(client.invoke(operation));
                        acknowledged.incrementAndGet();
                        lastCompletionNanos.set(System.nanoTime());
                    }
                } catch (Throwable t) {
                    errors.add(t);
                }
            }));
        }
    }

    void stopLoad() throws InterruptedException {
        stop.set(true);
        for (Thread t : load) {
            t.join(BOUND.toMillis());
        }
        load.clear();
    }

    /** Waits until {@code count} more requests were acknowledged. */
    void awaitMore(long count, String what) {
        long target = acknowledged.get() + count;
        Await.until(what, BOUND, () -> acknowledged.get() >= target);
    }

    long acknowledged() {
        return acknowledged.get();
    }

    long lastCompletionNanos() {
        return lastCompletionNanos.get();
    }

    List<Throwable> errors() {
        return errors;
    }

    /** A dynamic client signing with {@code key}, not joined yet; closed with the rest. */
    BastionClient connectDynamic(io.bastion.crypto.SigningKey key) {
        BastionClient client = group.connectDynamic(key, key.publicKey(), ClientOptions.defaults()
                .withRequestTimeout(Duration.ofSeconds(60)).withUnreachableAfter(Duration.ofSeconds(60)));
        dynamicClients.add(client);
        return client;
    }

    @Override
    public void close() throws InterruptedException {
        stopLoad();
        clients.forEach(BastionClient::close);
        dynamicClients.forEach(BastionClient::close);
        group.close();
        cluster.close();
    }

    /** Deletes {@code path} and everything below it (a replica's lost data directory). */
    static void wipe(Path path) throws java.io.IOException {
        if (!java.nio.file.Files.exists(path)) {
            return;
        }
        try (var files = java.nio.file.Files.walk(path)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.delete(p);
            }
        }
    }
}
