package io.bastion.cli;

import io.bastion.core.crypto.Digest;
import io.bastion.core.service.NullService;
import io.bastion.sql.bench.InsertBenchService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replica JVMs keeping their state in SQLite ({@code --service sql-insert}), killed with SIGKILL
 * under load: every acknowledged insert is in the database exactly once, the replicas' checkpoint
 * files are byte-identical, and a replica whose data was wiped rejoins by fetching database pages.
 */
class SqlProcessTest {
    @TempDir
    Path directory;

    private ProcessLoad run;

    @BeforeEach
    void start() throws Exception {
        run = ProcessLoad.start(directory, "sql-insert");
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (run != null) {
            run.close();
        }
    }

    private void startLoad() {
        run.startLoad(NullService.operation(200, 8), reply -> assertThat(reply).hasSize(8));
    }

    private long rows() throws Exception {
        byte[] count = run.clients.get(0).invokeReadOnly(InsertBenchService.COUNT.getBytes(StandardCharsets.UTF_8));
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
        run.awaitMore(300, "inserts running");
        for (int id = 0; id < 4; id++) {
            run.cluster.kill(id);
        }
        long acknowledgedAtCrash = run.acknowledged();
        for (int id = 0; id < 4; id++) {
            run.cluster.start(id);
        }
        run.cluster.awaitReady(Duration.ofSeconds(60));
        run.awaitMore(200, "inserts after the restart");
        run.stopLoad();
        assertThat(run.errors()).isEmpty();
        assertThat(acknowledgedAtCrash).isPositive();
        // an insert in flight at the crash is retransmitted: executed once, or answered from the reply cache
        assertThat(rows()).isEqualTo(run.acknowledged());
        assertCheckpointFilesIdentical();
    }

    @Test
    void aReplicaWhoseDatabaseWasWipedRejoinsByFetchingPages() throws Exception {
        startLoad();
        run.awaitMore(100, "inserts running");
        run.cluster.kill(3);
        ProcessLoad.wipe(directory.resolve("data-3"));
        run.awaitMore(300, "inserts crossing several checkpoints without replica 3");
        run.cluster.start(3);
        run.awaitMore(100, "inserts with replica 3 back");
        run.cluster.kill(2); // progress now needs replica 3, which has only the transferred database
        run.awaitMore(200, "inserts carried by the wiped replica");
        run.stopLoad();
        assertThat(run.errors()).isEmpty();
        assertThat(rows()).isEqualTo(run.acknowledged());
        assertThat(Files.readString(directory.resolve("replica-3.log"))).contains("by state transfer");
    }
}
