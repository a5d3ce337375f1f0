package io.bastion.server.local;

import io.bastion.net.config.ClusterGenerator;
import io.bastion.net.testing.Ports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalClusterTest {
    @TempDir
    Path directory;

    /** Replicas whose JVM refuses its options are gone before anyone probes them: not ready, and why. */
    @Test
    void replicasThatExitedBeforeTheProbeAreAFailureNotReady() throws Exception {
        var generated = ClusterGenerator.generate(directory, 4, 1, Ports.base(12), new SecureRandom());
        try (LocalCluster cluster = new LocalCluster(generated.config(), generated.clusterFile(), directory,
                LocalCluster.Launcher.current("io.bastion.NoSuchMain", List.of("-XX:+NoSuchBastionOption")), List.of())) {
            cluster.startAll();
            for (int id = 0; id < 4; id++) {
                assertThat(cluster.process(id).waitFor(60, TimeUnit.SECONDS)).as("replica %d exits", id).isTrue();
            }
            assertThat(cluster.exitedOnTheirOwn()).containsExactly(0, 1, 2, 3);
            assertThatThrownBy(() -> cluster.awaitReady(Duration.ofSeconds(5)))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("replica 0").hasMessageContaining("exited with code")
                    .hasMessageContaining("NoSuchBastionOption");
        }
    }

    /** A replica this cluster killed itself is left out: the others are awaited as before. */
    @Test
    void aReplicaKilledHereIsLeftOut() throws Exception {
        var generated = ClusterGenerator.generate(directory, 4, 1, Ports.base(12), new SecureRandom());
        try (LocalCluster cluster = new LocalCluster(generated.config(), generated.clusterFile(), directory,
                LocalCluster.Launcher.current("io.bastion.NoSuchMain", List.of("-XX:+NoSuchBastionOption")), List.of())) {
            for (int id = 0; id < 4; id++) {
                cluster.start(id);
                cluster.kill(id);
            }
            assertThat(cluster.exitedOnTheirOwn()).isEmpty();
            cluster.awaitReady(Duration.ofSeconds(5)); // nothing to wait for, nothing failed
        }
    }
}
