package io.bastion.cli;

import io.bastion.net.config.ClusterGenerator;
import io.bastion.server.local.LocalCluster;
import io.bastion.net.testing.Await;
import io.bastion.net.testing.Ports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGHUP, which operators send to make a service read its certificates again, makes a replica
 * read its web certificate files at once, and does not stop it (the JVM's default).
 */
class HangupProcessTest {
    private static final Duration BOUND = Duration.ofSeconds(60);

    @TempDir
    Path directory;

    @Test
    void sighupReadsTheWebCertificateAgainAndTheReplicaKeepsRunning() throws Exception {
        var generated = ClusterGenerator.generate(directory, 4, 1, Ports.base(12), new SecureRandom());
        assertThat(generated.config().replica(0).webPort()).as("replica 0 serves HTTPS").isNotZero();
        try (LocalCluster cluster = new LocalCluster(generated.config(), generated.clusterFile(), directory,
                LocalCluster.Launcher.current(Bastion.class.getName(), TestProcesses.REPLICA_JVM),
                List.of("--service", "counter"))) {
            Process replica = cluster.start(0);
            Path log = cluster.logOf(0);
            Await.until("replica 0 to start", BOUND, () -> logContains(log, "replica 0 of 4"));

            if (logContains(log, "SIGHUP is not handled")) {
                // started with SIGHUP ignored (e.g. under nohup): it stays ignored, and must not stop the replica
                hangup(replica);
                assertThat(replica.waitFor(2, TimeUnit.SECONDS)).as("SIGHUP does not stop the replica").isFalse();
                return;
            }
            ClusterGenerator.renewWebCertificates(directory, new SecureRandom());
            hangup(replica);
            Await.until("the reload after SIGHUP", BOUND, () -> logContains(log, "SIGHUP: serving the web certificate read from"));
            assertThat(replica.isAlive()).as("SIGHUP does not stop the replica").isTrue();

            Files.writeString(directory.resolve(ClusterGenerator.webCertificateFileName(0)), "not a certificate\n");
            hangup(replica);
            Await.until("the refusal of a broken file", BOUND, () -> logContains(log, "SIGHUP: kept the web certificate"));
            assertThat(replica.isAlive()).isTrue();
        }
    }

    private static void hangup(Process process) throws Exception {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    private static boolean logContains(Path log, String text) {
        try {
            return Files.exists(log) && Files.readString(log).contains(text);
        } catch (java.io.IOException e) {
            return false;
        }
    }

}
