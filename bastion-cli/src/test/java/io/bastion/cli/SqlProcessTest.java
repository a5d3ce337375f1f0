package io.bastion.cli;

import io.bastion.client.BastionClient;
import io.bastion.client.ClientGroup;
import io.bastion.client.ClientOptions;
import io.bastion.core.config.ClusterConfig;
import io.bastion.core.crypto.Digest;
import io.bastion.core.service.NullService;
import io.bastion.crypto.KeyFiles;
import io.bastion.net.config.ClusterFile;
import io.bastion.net.config.ClusterGenerator;
import io.bastion.server.local.LocalCluster;
import io.bastion.server.testing.Await;
import io.bastion.server.testing.FreePorts;
import io.bastion.sql.bench.InsertBenchService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replica JVMs keeping their state in SQLite ({@code --service sql-insert}), killed with SIGKILL
 * under load: every acknowledged insert is in the database exactly once, the replicas' checkpoint
 * files are byte-identical, and a replica whose data was wiped rejoins by fetching database pages.
 */
class SqlProcessTest {
    private static final int K = 16;

    @TempDir
    Path directory;

    private LocalCluster cluster;
    private ClientGroup group;
    private final List<BastionClient> clients = new ArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong acknowledged = new AtomicLong();
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private final List<Thread> load = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        var generated = ClusterGenerator.generate(directory, 4, 4, FreePorts.base(12), new SecureRandom());
        var config = new ClusterConfig(1, generated.config().replicas(), generated.config().clients(),
                generated.config().settings().withCheckpointInterval(K, 2 * K));
        ClusterFile.write(config, generated.clusterFile());
        cluster = new LocalCluster(config, generated.clusterFile(), directory,
                LocalCluster.Launcher.current(Bastion.class.getName(), List.of("-Xmx256m", "-XX:+UseSerialGC")),
                List.of("--service", "sql-insert"));
        cluster.startAll().awaitReady(Duration.ofSeconds(60));
        group = new ClientGroup(config);
        for (long id = 1; id <= 4; id++) {
            clients.add(group.connect(id, KeyFiles.readPrivateKey(generated.clientKeyFiles().get(id)),
                    ClientOptions.defaults().withRequestTimeout(Duration.ofSeconds(60))
                            .withUnreachableAfter(Duration.ofSeconds(60))));
        }
    }

    @AfterEach
    void stop() throws InterruptedException {
        stopLoad();
        clients.forEach(BastionClient::close);
        if (group != null) {
            group.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private void startLoad() {
        stop.set(false);
        byte[] insert = NullService.operation(200, 8);
        for (BastionClient client : clients) {
            load.add(Thread.ofVirtual().start(() -> {
                try {
                    while (!stop.get()) {
                        byte[] reply = client.invoke(insert);
                        assertThat(reply).hasSize(8);
                        acknowledged.incrementAndGet();
                    }
                } catch (Throwable t) {
                    errors.add(t);
                }
            }));
        }
    }

    private void stopLoad() throws InterruptedException {
        stop.set(true);
        for (Thread t : load) {
            t.join(90_000);
        }
        load.clear();
    }

    private void awaitMore(long count, String what) {
        long target = acknowledged.get() + count;
        Await.until(what, Duration.ofSeconds(90), () -> acknowledged.get() >= target);
    }

    private long rows() throws Exception {
        byte[] count = clients.get(0).invokeReadOnly(InsertBenchService.COUNT.getBytes(StandardCharsets.UTF_8));
        return Long.parseLong(new String(count, StandardCharsets.UTF_8));
    }

    /** Every replica's checkpoint copy of the latest checkpoint they all hold has the same bytes. */
    private void assertCheckpointFilesIdentical() throws Exception {
        Set<String> common = null;
        for (int id = 0; id < 4; id++) {
            Set<String> names = new TreeSet<>();
            try (Stream<Path> files = Files.list(directory.resolve("data-" + id).resolve("sql"))) {
                files.map(p -> p.getFileName().toString()).filter(n -> n.matches("checkpoint-\\d+\\.db"))
                        .forEach(names::add);
            }
            if (common == null) {
                common = names;
            } else {
                common.retainAll(names);
            }
        }
        assertThat(common).as("a checkpoint every replica holds").isNotEmpty();
        String latest = common.stream().max(Comparator.comparingLong(
                n -> Long.parseLong(n.substring("checkpoint-".length(), n.length() - 3)))).orElseThrow();
        Digest first = null;
        for (int id = 0; id < 4; id++) {
            Digest d = Digest.sha256(Files.readAllBytes(directory.resolve("data-" + id).resolve("sql").resolve(latest)));
            first = first == null ? d : first;
            assertThat(d).as("%s of replica %d", latest, id).isEqualTo(first);
        }
    }

    @Test
    void aWholeClusterPowerLossKeepsEveryAcknowledgedInsertExactlyOnce() throws Exception {
        startLoad();
        awaitMore(300, "inserts running");
        for (int id = 0; id < 4; id++) {
            cluster.kill(id);
        }
        long acknowledgedAtCrash = acknowledged.get();
        for (int id = 0; id < 4; id++) {
            cluster.start(id);
        }
        cluster.awaitReady(Duration.ofSeconds(60));
        awaitMore(200, "inserts after the restart");
        stopLoad();
        assertThat(errors).isEmpty();
        assertThat(acknowledgedAtCrash).isPositive();
        // an insert in flight at the crash is retransmitted: executed once, or answered from the reply cache
        assertThat(rows()).isEqualTo(acknowledged.get());
        assertCheckpointFilesIdentical();
    }

    @Test
    void aReplicaWhoseDatabaseWasWipedRejoinsByFetchingPages() throws Exception {
        startLoad();
        awaitMore(100, "inserts running");
        cluster.kill(3);
        deleteRecursively(directory.resolve("data-3"));
        awaitMore(300, "inserts crossing several checkpoints without replica 3");
        cluster.start(3);
        awaitMore(100, "inserts with replica 3 back");
        cluster.kill(2); // progress now needs replica 3, which has only the transferred database
        awaitMore(200, "inserts carried by the wiped replica");
        stopLoad();
        assertThat(errors).isEmpty();
        assertThat(rows()).isEqualTo(acknowledged.get());
        assertThat(Files.readString(directory.resolve("replica-3.log"))).contains("by state transfer");
    }

    private static void deleteRecursively(Path path) throws Exception {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> files = Files.walk(path)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
