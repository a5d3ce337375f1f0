package io.bastion.cli;

import io.bastion.client.BastionClient;
import io.bastion.client.ClientGroup;
import io.bastion.core.service.CounterService;
import io.bastion.crypto.KeyFiles;
import io.bastion.net.config.ClusterFile;
import io.bastion.net.config.ClusterGenerator;
import io.bastion.server.local.LocalCluster;
import io.bastion.net.testing.Await;
import io.bastion.net.testing.Ports;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bastion status} against four replica JVMs that take their metrics ports from the cluster
 * file and serve them over HTTPS with the cluster CA's certificates: all healthy, then with
 * replicas killed until ordering stops (the exit code flips), and with a cluster file that trusts
 * another CA (every replica refused, by reason).
 */
class StatusProcessTest {
    /** Generous: the command returns as soon as every replica answered, and a loaded machine may be slow. */
    private static final String ANSWER_BOUND = "PT10S";

    @TempDir
    Path directory;

    private ClusterGenerator.Generated generated;
    private Path clusterFile;
    private LocalCluster cluster;
    private int metricsBase;

    @BeforeEach
    void start() throws Exception {
        int base = Ports.base(16); // 12 cluster ports, then 4 metrics ports
        generated = ClusterGenerator.generate(directory, 4, 1, base, new SecureRandom());
        clusterFile = generated.clusterFile();
        metricsBase = DemoDirectory.metricsBase(base, 4);
        List<Integer> metrics = List.of(metricsBase, metricsBase + 1, metricsBase + 2, metricsBase + 3);
        ClusterFile.write(ClusterFile.loadContents(clusterFile).withMetricsPorts(metrics), clusterFile);
        cluster = new LocalCluster(generated.config(), clusterFile, directory,
                LocalCluster.Launcher.current(Bastion.class.getName(), TestProcesses.REPLICA_JVM),
                List.of("--service", "counter"));
        cluster.startAll().awaitReady(Duration.ofSeconds(60));
    }

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private record Run(int code, String out, String err) {}

    private static Run status(String... arguments) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine line = Bastion.commandLine();
        line.setOut(new PrintWriter(out));
        line.setErr(new PrintWriter(err));
        List<String> command = new ArrayList<>(List.of("status"));
        command.addAll(List.of(arguments));
        int code = line.execute(command.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void healthyThenOneDownThenTwoDownFlipsTheExitCode() throws Exception {
        try (ClientGroup clients = new ClientGroup(generated.config());
             BastionClient client = clients.connect(1, KeyFiles.readPrivateKey(generated.clientKeyFiles().get(1L)))) {
            for (int i = 0; i < 5; i++) {
                client.invoke(CounterService.add(1));
            }
        }
        String config = clusterFile.toString();
        // the replicas' mesh is complete and every replica has executed the requests
        Await.until("all four replicas healthy", Duration.ofSeconds(30), () -> {
            Run run = status("--config", config, "--json", "--timeout", ANSWER_BOUND);
            return run.code() == StatusCommand.ORDERING && run.out().contains("\"healthy\" : 4")
                    && !run.out().contains("\"lastExecuted\" : 0");
        });
        Run healthy = status("--config", config, "--timeout", ANSWER_BOUND);
        assertThat(healthy.code()).as(healthy.out() + healthy.err()).isZero();
        assertThat(healthy.out()).contains("ok: all 4 replicas healthy (ordering needs 3)")
                .contains("view 0 (primary 0)").contains("127.0.0.1:" + metricsBase).contains("3/3");
        Matcher row = Pattern.compile("(?m)^0 +127\\.0\\.0\\.1:\\d+ +healthy +0 +0 +(\\d+) +0 +\\d+ +3/3 +(\\S+) \\((\\d+) days\\)$")
                .matcher(healthy.out());
        assertThat(row.find()).as(healthy.out()).isTrue();
        assertThat(Long.parseLong(row.group(1))).as("last executed seq").isPositive();
        assertThat(Integer.parseInt(row.group(3))).as("days the web certificate has left").isGreaterThan(300);

        cluster.kill(3);
        Run oneDown = status("--config", config, "--timeout", ANSWER_BOUND);
        assertThat(oneDown.code()).as(oneDown.out()).isZero();
        assertThat(oneDown.out()).contains("unreachable").contains("replica 3: connection refused")
                .contains("ok: 3 of 4 replicas healthy").contains("one more failure stops ordering");

        cluster.kill(2);
        long started = System.nanoTime();
        Run twoDown = status("--config", config, "--json", "--timeout", ANSWER_BOUND);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("answers within its timeout")
                .isLessThan(Duration.ofSeconds(12));
        assertThat(twoDown.code()).as(twoDown.out()).isEqualTo(StatusCommand.NOT_ORDERING);
        assertThat(twoDown.out()).contains("\"ordering\" : false").contains("\"healthy\" : 0")
                .contains("NOT ORDERING: 0 of 4 replicas healthy");
        // the two that run are cut off from a quorum: they answer, but cannot take part in one
        assertThat(twoDown.out()).contains("\"state\" : \"isolated\"").contains("\"reachable\" : true");
    }

    @Test
    void aClusterFileWithAnotherCaRefusesEveryReplicaByReason() throws Exception {
        Path other = directory.resolve("other");
        ClusterGenerator.generate(other, 4, 1, 7000, new SecureRandom());
        String otherCa = Files.readString(other.resolve("cluster.toml")).lines()
                .filter(line -> line.startsWith("ca = ")).findFirst().orElseThrow();
        Path impostor = directory.resolve("impostor.toml");
        Files.writeString(impostor, Files.readString(clusterFile).replaceFirst("(?m)^ca = .*$",
                Matcher.quoteReplacement(otherCa)));
        Run run = status("--config", impostor.toString(), "--timeout", ANSWER_BOUND);
        assertThat(run.code()).isEqualTo(StatusCommand.NOT_ORDERING);
        assertThat(run.out()).contains("replica 0: its certificate (CN=bastion replica 0 web")
                .contains("is issued neither by the cluster CA of the cluster file nor by a publicly trusted CA")
                .contains("NOT ORDERING: 0 of 4");
        assertThat(run.out()).as("the expiry of the certificate presented is shown all the same").contains(" days)");

        Run plaintext = status("--config", clusterFile.toString(), "--insecure-plaintext", "--timeout", "PT3S");
        assertThat(plaintext.code()).isEqualTo(StatusCommand.NOT_ORDERING);
        assertThat(plaintext.out()).contains("replica 1: ").doesNotContain("healthy ");
    }
}
