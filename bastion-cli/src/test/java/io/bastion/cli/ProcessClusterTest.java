package io.bastion.cli;

import io.bastion.client.BastionClient;
import io.bastion.client.ClientGroup;
import io.bastion.client.ClientOptions;
import io.bastion.crypto.KeyFiles;
import io.bastion.net.config.ClusterGenerator;
import io.bastion.server.local.LocalCluster;
import io.bastion.net.testing.Await;
import io.bastion.net.testing.Ports;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Four replica JVMs started the way {@code bastion demo} starts them; clients in this JVM. */
class ProcessClusterTest {
    @TempDir
    Path directory;

    private ClusterGenerator.Generated generated;
    private LocalCluster cluster;
    private ClientGroup clients;

    @BeforeEach
    void start() throws Exception {
        generated = ClusterGenerator.generate(directory, 4, 4, Ports.base(12), new SecureRandom());
        cluster = new LocalCluster(generated.config(), generated.clusterFile(), directory,
                LocalCluster.Launcher.current(Bastion.class.getName(), TestProcesses.REPLICA_JVM),
                List.of("--service", "counter"));
        cluster.startAll().awaitReady(Duration.ofSeconds(60));
        clients = new ClientGroup(generated.config());
    }

    @AfterEach
    void stop() {
        if (clients != null) {
            clients.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void killingABackupMidLoadLosesNoRequest() throws Exception {
        List<BastionClient> open = new ArrayList<>();
        for (long id = 1; id <= 4; id++) {
            open.add(clients.connect(id, KeyFiles.readPrivateKey(generated.clientKeyFiles().get(id)),
                    ClientOptions.defaults().withRequestTimeout(Duration.ofSeconds(30))));
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong completed = new AtomicLong();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        List<Thread> load = new ArrayList<>();
        for (BastionClient client : open) {
            load.add(Thread.ofVirtual().start(() -> {
                try {
                    while (!stop.get()) {
                        client.invoke(io.bastion.core.service.CounterService.add(1));
                        completed.incrementAndGet();
                    }
                } catch (Throwable t) {
                    errors.add(t);
                }
            }));
        }
        Await.until("load running", Duration.ofSeconds(60), () -> completed.get() >= 200);
        cluster.kill(3);
        long atKill = completed.get();
        Await.until("requests keep completing with replica 3 dead", Duration.ofSeconds(60),
                () -> completed.get() >= atKill + 300);
        stop.set(true);
        for (Thread t : load) {
            t.join(60_000);
        }
        assertThat(errors).isEmpty();
        open.forEach(BastionClient::close);
        // every completed request incremented the counter exactly once
        long total = completed.get();
        try (BastionClient reader = clients.connect(1, KeyFiles.readPrivateKey(generated.clientKeyFiles().get(1L)))) {
            long value = io.bastion.core.service.CounterService.decode(
                    reader.invoke(io.bastion.core.service.CounterService.add(0)));
            assertThat(value).isEqualTo(total);
        }
    }

    /** Runs {@code bastion client --config <cluster file> <arguments>}; its exit code and standard output. */
    private record ClientRun(int code, String out) {}

    private ClientRun client(String... arguments) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        List<String> command = new ArrayList<>(List.of("client", "--config", generated.clusterFile().toString()));
        command.addAll(List.of(arguments));
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            int code = Bastion.commandLine().execute(command.toArray(String[]::new));
            return new ClientRun(code, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(original);
        }
    }

    @Test
    void theClientCommandTalksToTheCluster() {
        ClientRun run = client("--id", "2", "--repeat", "5", "ignored-by-counter");
        assertThat(run.code()).as(run.out()).isZero();
        assertThat(run.out()).contains("5 requests, 0 failed").contains("signed by replicas");
    }

    @Test
    void theClientCommandJoinsAsADynamicClientWithAFreshKey() {
        ClientRun run = client("--join", "alice", "--repeat", "3", "ignored-by-counter");
        assertThat(run.code()).as(run.out()).isZero();
        assertThat(run.out()).contains("joined as alice, client id "
                + io.bastion.core.session.SessionSettings.FIRST_DYNAMIC_CLIENT_ID).contains("3 requests, 0 failed");
    }
}
