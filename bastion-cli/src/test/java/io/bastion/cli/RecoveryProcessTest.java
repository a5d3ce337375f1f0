package io.bastion.cli;

import io.bastion.client.BastionClient;
import io.bastion.client.ClientGroup;
import io.bastion.client.ClientOptions;
import io.bastion.core.service.CounterService;
import io.bastion.crypto.KeyFiles;
import io.bastion.net.config.ClusterGenerator;
import io.bastion.server.local.LocalCluster;
import io.bastion.server.testing.Await;
import io.bastion.server.testing.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replica JVMs killed with SIGKILL and restarted, under load: a dead primary is replaced, a
 * restarted or wiped replica catches up, and a whole cluster that loses power keeps every
 * acknowledged request exactly once. Checkpoints every 16 so that runs cross several.
 */
class RecoveryProcessTest {
    @TempDir
    Path directory;

    private ClusterGenerator.Generated generated;
    private LocalCluster cluster;
    private ClientGroup group;
    private final List<BastionClient> clients = new ArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong lastCompletionNanos = new AtomicLong();
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private final List<Thread> load = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        generated = ClusterGenerator.generate(directory, 4, 4, FreePorts.base(12), new SecureRandom());
        var settings = generated.config().settings().withCheckpointInterval(16, 32);
        var config = new io.bastion.core.config.ClusterConfig(1, generated.config().replicas(),
                generated.config().clients(), settings);
        io.bastion.net.config.ClusterFile.write(config, generated.clusterFile());
        cluster = new LocalCluster(config, generated.clusterFile(), directory,
                LocalCluster.Launcher.current(Bastion.class.getName(), List.of("-Xmx256m", "-XX:+UseSerialGC")),
                List.of("--service", "counter"));
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
        for (BastionClient client : clients) {
            load.add(Thread.ofVirtual().start(() -> {
                try {
                    while (!stop.get()) {
                        client.invoke(CounterService.add(1));
                        acknowledged.incrementAndGet();
                        lastCompletionNanos.set(System.nanoTime());
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

    private long counterValue() throws Exception {
        return CounterService.decode(clients.get(0).invoke(CounterService.add(0)));
    }

    @Test
    void killingThePrimaryUnderLoadChangesTheViewAndClientsCarryOn() throws Exception {
        startLoad();
        awaitMore(200, "load running");
        long killed = System.nanoTime();
        cluster.kill(0); // the primary of view 0
        awaitMore(1, "a request completed after the primary died");
        long failoverMillis = (lastCompletionNanos.get() - killed) / 1_000_000;
        awaitMore(200, "load continues in the new view");
        stopLoad();
        assertThat(errors).isEmpty();
        assertThat(failoverMillis).as("failover time").isLessThan(10_000);
        assertThat(counterValue()).isEqualTo(acknowledged.get());
        assertThat(Files.readString(directory.resolve("replica-1.log"))).contains("replica 1 entered view 1 (primary 1)");
    }

    @Test
    void aRestartedBackupCatchesUpAndCarriesTheClusterWhenAnotherFails() throws Exception {
        startLoad();
        awaitMore(100, "load running");
        cluster.kill(3);
        awaitMore(200, "load without replica 3");
        cluster.start(3);
        awaitMore(200, "load with replica 3 back");
        cluster.kill(2); // now progress needs replica 3
        awaitMore(200, "load carried by the restarted replica");
        stopLoad();
        assertThat(errors).isEmpty();
        assertThat(counterValue()).isEqualTo(acknowledged.get());
    }

    @Test
    void aReplicaWhoseDataWasWipedRejoinsByStateTransfer() throws Exception {
        startLoad();
        awaitMore(100, "load running");
        cluster.kill(3);
        deleteRecursively(directory.resolve("data-3"));
        awaitMore(300, "load crossing several checkpoints without replica 3");
        cluster.start(3);
        awaitMore(100, "load with replica 3 back");
        cluster.kill(2); // progress now needs replica 3, which has only the transferred state
        awaitMore(200, "load carried by the wiped replica");
        stopLoad();
        assertThat(errors).isEmpty();
        assertThat(counterValue()).isEqualTo(acknowledged.get());
        assertThat(Files.readString(directory.resolve("replica-3.log"))).contains("by state transfer");
    }

    @Test
    void aWholeClusterPowerLossLosesNoAcknowledgedRequestAndDoublesNone() throws Exception {
        startLoad();
        awaitMore(300, "load running");
        for (int id = 0; id < 4; id++) {
            cluster.kill(id);
        }
        long acknowledgedAtCrash = acknowledged.get();
        for (int id = 0; id < 4; id++) {
            cluster.start(id);
        }
        cluster.awaitReady(Duration.ofSeconds(60));
        awaitMore(100, "load after the restart");
        stopLoad();
        assertThat(errors).isEmpty();
        // every acknowledged request counted once; requests in flight at the crash count once or not at all
        long value = counterValue();
        assertThat(value).isEqualTo(acknowledged.get());
        assertThat(acknowledgedAtCrash).isPositive();
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
