package io.bastion.bench;

import io.bastion.net.config.ClusterGenerator;
import io.bastion.server.local.LocalCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ClusterWatch} on replica logs and metrics written by hand: what counts as a view change, a
 * warning, a drop, and when the replicas have settled. No replica runs (so no metrics are read).
 */
class ClusterWatchTest {
    @TempDir
    Path directory;

    private LocalCluster cluster() throws Exception {
        var generated = ClusterGenerator.generate(directory, 4, 0, 20_000, new SecureRandom());
        return new LocalCluster(generated.config(), generated.clusterFile(), directory,
                LocalCluster.Launcher.current("unused", List.of()), List.of());
    }

    private void log(LocalCluster cluster, int replica, String... lines) throws Exception {
        Files.writeString(cluster.logOf(replica), String.join("\n", lines) + "\n", StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    @Test
    void onlyLinesWrittenSinceTheMarkCount() throws Exception {
        LocalCluster cluster = cluster();
        log(cluster, 0, "2026-01-01T00:00:00.000 INFO ReplicaRuntime - replica 0 changing to view 1 (primary 1)");
        ClusterWatch watch = new ClusterWatch(cluster, null);
        ClusterWatch.Mark mark = watch.mark();
        log(cluster, 1, "2026-01-01T00:00:01.000 INFO ReplicaRuntime - replica 1 changing to view 1 (primary 1)",
                "2026-01-01T00:00:01.500 INFO ReplicaRuntime - replica 1 entered view 1 (primary 1)",
                "2026-01-01T00:00:02.000 WARN Rejections - closing connection with /127.0.0.1:1 (local /127.0.0.1:2)");
        log(cluster, 2, "2026-01-01T00:00:03.000 ERROR ReplicaRuntime - replica 2 failed");

        ClusterEvents events = watch.since(mark);

        assertThat(events.viewChangeLines()).isEqualTo(1);
        assertThat(events.viewChangeLog()).singleElement().asString().startsWith("replica 1: ")
                .contains("changing to view 1");
        assertThat(events.warningLines()).isEqualTo(1);
        assertThat(events.errorLines()).isEqualTo(1);
        assertThat(events.problemLog()).hasSize(2);
        assertThat(events.metricsRead()).isZero();
        assertThat(events.viewBefore()).as("unknown without metrics").isEqualTo(-1);
        assertThat(events.viewChanged()).isTrue();
        assertThat(watch.since(watch.mark()).viewChanged()).as("nothing since a new mark").isFalse();
    }

    @Test
    void theReplicasHaveSettledWhenNoViewChangeBeganOrEndedForTheQuietTimeAndAtMostFAreChanging()
            throws Exception {
        LocalCluster cluster = cluster();
        ClusterWatch watch = new ClusterWatch(cluster, null);
        log(cluster, 2, "2026-01-01T00:00:00.000 INFO ReplicaRuntime - replica 2 changing to view 1 (primary 1)");
        log(cluster, 3, "2026-01-01T00:00:01.000 INFO ReplicaRuntime - replica 3 changing to view 1 (primary 1)",
                "2026-01-01T00:00:01.200 INFO ReplicaRuntime - replica 3 entered view 1 (primary 1)");

        ClusterWatch.Settling settling = watch.awaitSettled(Duration.ofMillis(200), Duration.ofSeconds(30));

        assertThat(settling.settled()).isTrue();
        assertThat(settling.waited()).isGreaterThanOrEqualTo(Duration.ofMillis(200)).isLessThan(Duration.ofSeconds(30));
        assertThat(settling.stillChanging()).as("f = 1 replica stuck: the others order without it")
                .containsExactly(2);
    }

    @Test
    void moreThanFReplicasInTheMiddleOfAViewChangeAreWaitedForUntilTheBound() throws Exception {
        LocalCluster cluster = cluster();
        ClusterWatch watch = new ClusterWatch(cluster, null);
        log(cluster, 1, "2026-01-01T00:00:00.000 INFO ReplicaRuntime - replica 1 changing to view 1 (primary 1)");
        log(cluster, 2, "2026-01-01T00:00:00.000 INFO ReplicaRuntime - replica 2 changing to view 1 (primary 1)");

        ClusterWatch.Settling settling = watch.awaitSettled(Duration.ofMillis(100), Duration.ofMillis(500));

        assertThat(settling.settled()).isFalse();
        assertThat(settling.waited()).isGreaterThanOrEqualTo(Duration.ofMillis(500));
        assertThat(settling.stillChanging()).containsExactly(1, 2);
    }

    @Test
    void viewChangesThatGoOnAreWaitedForUntilTheBound() throws Exception {
        LocalCluster cluster = cluster();
        ClusterWatch watch = new ClusterWatch(cluster, null);
        Thread churn = Thread.ofPlatform().start(() -> {
            try {
                for (int view = 1; view <= 100 && !Thread.currentThread().isInterrupted(); view++) {
                    log(cluster, 1, "INFO ReplicaRuntime - replica 1 changing to view " + view + " (primary 1)",
                            "INFO ReplicaRuntime - replica 1 entered view " + view + " (primary 1)");
                    Thread.sleep(50); // a view change every 50 ms: never quiet for a second
                }
            } catch (Exception e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            ClusterWatch.Settling settling = watch.awaitSettled(Duration.ofSeconds(1), Duration.ofMillis(2_500));
            assertThat(settling.settled()).isFalse();
            assertThat(settling.waited()).isGreaterThanOrEqualTo(Duration.ofMillis(2_500));
        } finally {
            churn.interrupt();
            churn.join();
        }
    }

    @Test
    void aLineStillBeingWrittenIsReadOnceComplete() throws Exception {
        Path log = directory.resolve("partial.log");
        Files.writeString(log, "first line\nsecond li");
        ClusterWatch.LogTail tail = new ClusterWatch.LogTail(log, 0);
        assertThat(tail.newLines()).containsExactly("first line");
        assertThat(tail.newLines()).isEmpty();
        Files.writeString(log, "ne\n", StandardOpenOption.APPEND);
        assertThat(tail.newLines()).containsExactly("second line");
    }

    /** A replica's metrics page, parsed, that counts {@code requests} requests executed in {@code batches} batches. */
    private static Map<String, Double> executed(long requests, long batches) {
        return ClusterWatch.parse("bastion_requests_executed_total " + requests + "\nbastion_batches_executed_total "
                + batches + "\n");
    }

    @Test
    void requestsPerBatchAreThoseOfTheReplicaThatExecutedTheMostBatchesAmongThoseReadAtBothEnds() {
        Map<String, Double> start = executed(1000, 100);
        Map<String, Double> lagging = executed(1150, 110);
        Map<String, Double> ahead = executed(1300, 120);
        Map<String, Double> fromZero = executed(0, 0);
        // replica 2 was read at the start only, replica 3 at the end only
        List<Map<String, Double>> before = new ArrayList<>(List.of(start, start, fromZero));
        before.add(null);
        List<Map<String, Double>> after = new ArrayList<>(List.of(lagging, ahead));
        after.add(null);
        after.add(ahead);

        ClusterWatch.Executed executed = ClusterWatch.mostExecuted(before, after);

        assertThat(executed).isEqualTo(new ClusterWatch.Executed(300, 20));
        assertThat(executed.requestsPerBatch()).isEqualTo(15.0);
        assertThat(new ClusterWatch.Executed(0, 0).requestsPerBatch()).isZero();
        List<Map<String, Double>> unread = new ArrayList<>();
        unread.add(null);
        assertThat(ClusterWatch.mostExecuted(unread, List.of(ahead))).as("no replica read at both ends").isNull();
    }

    @Test
    void countsByReasonAreWhatEachSeriesGrewBy() {
        Map<String, Double> before = ClusterWatch.parse("""
                # HELP bastion_rejected_messages_total Messages refused before the protocol core, by reason.
                # TYPE bastion_rejected_messages_total counter
                bastion_rejected_messages_total{reason="bad_signature"} 10
                bastion_rejected_messages_total{reason="unknown_client"} 3
                bastion_view 2
                """);
        Map<String, Double> after = ClusterWatch.parse("""
                bastion_rejected_messages_total{reason="bad_signature"} 25
                bastion_rejected_messages_total{reason="unknown_client"} 3
                bastion_rejected_messages_total{reason="malformed"} 1
                bastion_dropped_messages_total{reason="inbound_queue"} 7
                bastion_request_latency_seconds_bucket{le="+Inf"} 9
                bastion_view 3
                """);
        assertThat(after).containsEntry("bastion_view", 3.0);

        Map<String, Long> rejected = new TreeMap<>();
        ClusterWatch.addByReason(rejected, ClusterWatch.REJECTED_MESSAGES, before, after);
        ClusterWatch.addByReason(rejected, ClusterWatch.REJECTED_MESSAGES, before, after); // a second replica

        assertThat(rejected).containsExactly(Map.entry("bad_signature", 30L), Map.entry("malformed", 2L));
    }
}
