package io.bastion.cli;

import io.bastion.core.crypto.Digest;
import io.bastion.core.service.NullService;
import io.bastion.net.testing.Await;
import io.bastion.sql.bench.InsertBenchService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator's scripts {@code deploy/backup.sh} and {@code deploy/restore.sh} against four
 * replica JVMs running the SQL service under load: a backup taken while the replicas run restores
 * one lost replica, which catches up from its peers and then carries the cluster, and restores a
 * whole cluster that lost every data directory, which resumes from the backup's state. In both,
 * every replica ends with the same state (a read that 2f+1 answered alike, and byte-identical
 * checkpoint files).
 */
class BackupRestoreProcessTest {
    private static final Duration BOUND = Duration.ofSeconds(90);

    @TempDir
    Path directory;

    private ProcessLoad run;
    private Path backups;

    @BeforeEach
    void start() throws Exception {
        run = ProcessLoad.start(directory, "sql-insert");
        backups = directory.resolve("backups");
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (run != null) {
            run.close();
        }
    }

    @Test
    void aLostReplicaRestoredFromAnotherReplicasBackupCatchesUpAndCarriesTheCluster() throws Exception {
        startLoad();
        run.awaitMore(150, "inserts crossing a few checkpoints");
        Path backup = backup(1);

        DeployScripts.Result refused = DeployScripts.run(directory, "restore.sh", "--data", data(3).toString(), "--backup", backup.toString());
        assertThat(refused.exit()).as(refused.output()).isEqualTo(1);
        assertThat(refused.output()).contains("stop the replica first");
        assertThat(data(3).resolve("log")).as("a refused restore changes nothing").isDirectory();

        run.cluster.kill(3);
        DeployScripts.Result restored = DeployScripts.run(directory, "restore.sh", "--data", data(3).toString(), "--backup", backup.toString());
        assertThat(restored.exit()).as(restored.output()).isZero();
        assertThat(data(3).resolve("log")).as("no protocol log survives a restore").doesNotExist();
        assertThat(data(3).resolve("sql").resolve("state.db")).hasSameBinaryContentAs(backup);
        try (Stream<Path> siblings = Files.list(directory)) {
            assertThat(siblings.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("data-3.replaced-"));
        }

        run.awaitMore(200, "inserts crossing checkpoints without replica 3");
        run.cluster.start(3);
        run.awaitMore(100, "inserts with replica 3 back");
        run.cluster.kill(2); // progress now needs replica 3
        run.awaitMore(150, "inserts carried by the restored replica");
        assertThat(Files.readString(run.cluster.logOf(3))).contains("by state transfer");
        run.cluster.start(2);
        run.awaitMore(100, "inserts with every replica back");
        run.stopLoad();

        assertThat(run.errors()).isEmpty();
        assertThat(rows()).as("rows, read from 2f+1 replicas alike").isEqualTo(run.acknowledged());
        assertEveryReplicaHoldsTheSameNewestCheckpoint();
    }

    @Test
    void aWholeClusterRestoredFromOneBackupResumesFromItsState() throws Exception {
        startLoad();
        run.awaitMore(150, "inserts crossing a few checkpoints");
        Path backup = backup(0);
        long rowsInBackup = rowsIn(backup);
        assertThat(rowsInBackup).isPositive();
        run.awaitMore(50, "inserts after the backup, which the restore gives up");
        run.stopLoad();
        for (int id = 0; id < 4; id++) {
            run.cluster.kill(id);
        }
        long acknowledgedBefore = run.acknowledged();

        for (int id = 0; id < 4; id++) {
            DeployScripts.Result restored = DeployScripts.run(directory, "restore.sh", "--data", data(id).toString(), "--backup", backup.toString(),
                    "--discard-old");
            assertThat(restored.exit()).as(restored.output()).isZero();
        }
        run.cluster.startAll().awaitReady(Duration.ofSeconds(60));
        startLoad();
        run.awaitMore(150, "inserts on the restored cluster");
        run.stopLoad();

        assertThat(run.errors()).isEmpty();
        assertThat(rows()).as("the backup's rows and those acknowledged since")
                .isEqualTo(rowsInBackup + run.acknowledged() - acknowledgedBefore);
        assertEveryReplicaHoldsTheSameNewestCheckpoint();
    }

    // ------------------------------------------------------------------ helpers

    private void startLoad() {
        run.startLoad(NullService.operation(200, 8), reply -> assertThat(reply).hasSize(8));
    }

    private Path data(int id) {
        return directory.resolve("data-" + id);
    }

    /** Runs backup.sh on replica {@code id} (running) and checks what it wrote. */
    private Path backup(int id) throws Exception {
        DeployScripts.Result script = DeployScripts.run(directory, "backup.sh", "--data", data(id).toString(), "--out", backups.toString(), "--keep", "2");
        assertThat(script.exit()).as(script.output()).isZero();
        Path backup = Path.of(script.lastLine());
        assertThat(backup.getFileName().toString()).matches("state-\\d+\\.db");
        assertThat(backup).exists();
        String sha256 = Files.readString(Path.of(backup + ".sha256")).split(" ")[0];
        assertThat(sha256).isEqualTo(Digest.sha256(Files.readAllBytes(backup)).hex());
        return backup;
    }

    private long rows() throws Exception {
        byte[] count = run.clients.get(0).invokeReadOnly(InsertBenchService.COUNT.getBytes(StandardCharsets.UTF_8));
        return Long.parseLong(new String(count, StandardCharsets.UTF_8));
    }

    /** Rows in a backup, read from a copy (opening a database may write beside it). */
    private long rowsIn(Path backup) throws Exception {
        Path copy = directory.resolve("inspect.db");
        Files.copy(backup, copy);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + copy);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM bench")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Waits until all four replicas' newest checkpoint is the same seq, then compares their bytes. */
    private void assertEveryReplicaHoldsTheSameNewestCheckpoint() throws Exception {
        Await.until("every replica holds the same newest checkpoint", BOUND, () -> {
            long first = newestCheckpoint(0).orElse(-1L);
            for (int id = 1; id < 4; id++) {
                if (newestCheckpoint(id).orElse(-2L) != first) {
                    return false;
                }
            }
            return first > 0;
        });
        long seq = newestCheckpoint(0).orElseThrow();
        byte[] expected = Files.readAllBytes(data(0).resolve("sql").resolve("checkpoint-" + seq + ".db"));
        for (int id = 1; id < 4; id++) {
            assertThat(Files.readAllBytes(data(id).resolve("sql").resolve("checkpoint-" + seq + ".db")))
                    .as("checkpoint %d of replica %d", seq, id).isEqualTo(expected);
        }
    }

    private Optional<Long> newestCheckpoint(int id) {
        try (Stream<Path> files = Files.list(data(id).resolve("sql"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.matches("checkpoint-\\d+\\.db"))
                    .map(n -> Long.parseLong(n.substring("checkpoint-".length(), n.length() - ".db".length())))
                    .max(Long::compare);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

}
