package io.bastion.cli;

import io.bastion.client.BastionClient;
import io.bastion.client.ClientGroup;
import io.bastion.client.ClientOptions;
import io.bastion.core.service.CounterService;
import io.bastion.crypto.KeyFiles;
import io.bastion.net.config.ClusterGenerator;
import io.bastion.server.local.LocalCluster;
import io.bastion.net.testing.Ports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Minutes of load against a cluster whose primary is correct, with the default request timeout:
 * no replica ever suspects the primary (no view-change storm), on a machine whose five JVMs keep
 * both cores busy, for 15 seconds. {@code -Dbastion.long=true} runs it for ten minutes.
 */
class SteadyLoadProcessTest {
    private static final Duration LOAD = Duration.ofSeconds(Boolean.getBoolean("bastion.long") ? 600 : 15);

    @TempDir
    Path directory;

    @Test
    void aCorrectPrimaryIsNeverReplacedUnderSteadyLoad() throws Exception {
        var generated = ClusterGenerator.generate(directory, 4, 16, Ports.base(12), new SecureRandom());
        try (LocalCluster cluster = new LocalCluster(generated.config(), generated.clusterFile(), directory,
                LocalCluster.Launcher.current(Bastion.class.getName(), TestProcesses.REPLICA_JVM),
                List.of("--service", "counter")).startAll();
             ClientGroup group = new ClientGroup(generated.config())) {
            cluster.awaitReady(Duration.ofSeconds(60));
            List<BastionClient> clients = new ArrayList<>();
            for (long id = 1; id <= 16; id++) {
                clients.add(group.connect(id, KeyFiles.readPrivateKey(generated.clientKeyFiles().get(id)),
                        ClientOptions.defaults()));
            }
            AtomicLong completed = new AtomicLong();
            List<Throwable> errors = new CopyOnWriteArrayList<>();
            long end = System.nanoTime() + LOAD.toNanos();
            List<Thread> threads = new ArrayList<>();
            for (BastionClient client : clients) {
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        while (System.nanoTime() < end) {
                            client.invoke(CounterService.add(1));
                            completed.incrementAndGet();
                        }
                    } catch (Throwable t) {
                        errors.add(t);
                    }
                }));
            }
            for (Thread t : threads) {
                t.join(LOAD.toMillis() + 60_000);
            }
            clients.forEach(BastionClient::close);
            assertThat(errors).isEmpty();
            assertThat(completed.get()).isGreaterThan(1_000);
            for (int id = 0; id < 4; id++) {
                String log = Files.readString(directory.resolve("replica-" + id + ".log"));
                assertThat(log).as("replica %d log", id).doesNotContain("changing to view");
            }
        }
    }
}
