package io.bastion.cli;

import io.bastion.core.service.CounterService;
import io.bastion.net.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole cluster loses power under load from dynamic clients (sessions, as web voters have),
 * and one replica its disk too. After the restart the cluster works on in the view it was in:
 * the restarted replicas' replayed logs and the wiped replica's state transfer give nobody a
 * reason to suspect a primary that works.
 */
class RestartViewStabilityProcessTest {
    @TempDir
    Path directory;

    @Test
    void aWholeClusterRestartWithAWipedReplicaCausesNoViewChange() throws Exception {
        try (ProcessLoad run = ProcessLoad.start(directory, "counter", true)) {
            run.startLoad(CounterService.add(1), reply -> { });
            run.awaitMore(300, "load running");
            for (int id = 0; id < 4; id++) {
                run.cluster.kill(id);
            }
            ProcessLoad.wipe(directory.resolve("data-3"));
            long[] linesBefore = new long[4];
            for (int id = 0; id < 4; id++) {
                linesBefore[id] = log(id).lines().count();
                run.cluster.start(id);
            }
            run.cluster.awaitReady(Duration.ofSeconds(60));
            run.awaitMore(600, "load after the restart, crossing checkpoints");
            Await.until("the wiped replica has the state again", Duration.ofSeconds(60),
                    () -> log(3).contains("by state transfer"));
            run.awaitMore(600, "load after the state transfer");
            run.stopLoad();
            assertThat(run.errors()).isEmpty();
            for (int id = 0; id < 4; id++) {
                assertThat(log(id).lines().skip(linesBefore[id]).filter(line -> line.contains("changing to view") || line.contains("entered view")).toList())
                        .as("replica %d's view changes after the restart", id).isEmpty();
            }
        }
    }

    private String log(int id) {
        try {
            return Files.readString(directory.resolve("replica-" + id + ".log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
