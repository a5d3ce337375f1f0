package io.bastion.cli;

import io.bastion.core.service.CounterService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replica JVMs killed with SIGKILL and restarted, under load: a dead primary is replaced, a
 * restarted or wiped replica catches up, and a whole cluster that loses power keeps every
 * acknowledged request exactly once. Checkpoints every 16 so that runs cross several.
 */
class RecoveryProcessTest {
    @TempDir
    Path directory;

    private ProcessLoad run;

    @BeforeEach
    void start() throws Exception {
        run = ProcessLoad.start(directory, "counter");
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (run != null) {
            run.close();
        }
    }

    private void startLoad() {
        run.startLoad(CounterService.add(1), reply -> { });
    }

    private long counterValue() throws Exception {
        return CounterService.decode(run.clients.get(0).invoke(CounterService.add(0)));
    }

    @Test
    void killingThePrimaryUnderLoadChangesTheViewAndClientsCarryOn() throws Exception {
        startLoad();
        run.awaitMore(200, "load running");
        long killed = System.nanoTime();
        run.cluster.kill(0); // the primary of view 0
        run.awaitMore(1, "a request completed after the primary died");
        long failoverMillis = (run.lastCompletionNanos() - killed) / 1_000_000;
        run.awaitMore(200, "load continues in the new view");
        run.stopLoad();
        assertThat(run.errors()).isEmpty();
        assertThat(failoverMillis).as("failover time").isLessThan(10_000);
        assertThat(counterValue()).isEqualTo(run.acknowledged());
        assertThat(Files.readString(directory.resolve("replica-1.log"))).contains("replica 1 entered view 1 (primary 1)");
    }

    @Test
    void aRestartedBackupCatchesUpAndCarriesTheClusterWhenAnotherFails() throws Exception {
        startLoad();
        run.awaitMore(100, "load running");
        run.cluster.kill(3);
        run.awaitMore(200, "load without replica 3");
        run.cluster.start(3);
        run.awaitMore(200, "load with replica 3 back");
        run.cluster.kill(2); // now progress needs replica 3
        run.awaitMore(200, "load carried by the restarted replica");
        run.stopLoad();
        assertThat(run.errors()).isEmpty();
        assertThat(counterValue()).isEqualTo(run.acknowledged());
    }

    @Test
    void aReplicaWhoseDataWasWipedRejoinsByStateTransfer() throws Exception {
        startLoad();
        run.awaitMore(100, "load running");
        run.cluster.kill(3);
        ProcessLoad.wipe(directory.resolve("data-3"));
        run.awaitMore(300, "load crossing several checkpoints without replica 3");
        run.cluster.start(3);
        run.awaitMore(100, "load with replica 3 back");
        run.cluster.kill(2); // progress now needs replica 3, which has only the transferred state
        run.awaitMore(200, "load carried by the wiped replica");
        run.stopLoad();
        assertThat(run.errors()).isEmpty();
        assertThat(counterValue()).isEqualTo(run.acknowledged());
        assertThat(Files.readString(directory.resolve("replica-3.log"))).contains("by state transfer");
    }

    @Test
    void aWholeClusterPowerLossLosesNoAcknowledgedRequestAndDoublesNone() throws Exception {
        startLoad();
        run.awaitMore(300, "load running");
        for (int id = 0; id < 4; id++) {
            run.cluster.kill(id);
        }
        long acknowledgedAtCrash = run.acknowledged();
        for (int id = 0; id < 4; id++) {
            run.cluster.start(id);
        }
        run.cluster.awaitReady(Duration.ofSeconds(60));
        run.awaitMore(100, "load after the restart");
        run.stopLoad();
        assertThat(run.errors()).isEmpty();
        // every acknowledged request counted once; requests in flight at the crash count once or not at all
        long value = counterValue();
        assertThat(value).isEqualTo(run.acknowledged());
        assertThat(acknowledgedAtCrash).isPositive();
    }
}
