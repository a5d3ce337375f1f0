package io.bastion.cli;

import io.bastion.core.quorum.Quorums;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What bastion status concludes from readings, without a cluster. */
class ClusterHealthTest {
    private static final Quorums FOUR = Quorums.forFaults(1);
    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private static final Instant NEXT_YEAR = NOW.plus(Duration.ofDays(365));

    private static ReplicaReading up(int id, long view, long executed) {
        return ReplicaReading.answered(id, "127.0.0.1:" + (9400 + id), view, executed, executed / 128 * 128, 3L,
                NEXT_YEAR);
    }

    private static ReplicaReading down(int id) {
        return ReplicaReading.unreachable(id, "127.0.0.1:" + (9400 + id), "connection refused", null);
    }

    @Test
    void allHealthyOrders() {
        ClusterHealth health = ClusterHealth.of(FOUR, List.of(up(0, 0, 300), up(1, 0, 300), up(2, 0, 299),
                up(3, 0, 300)), 128, NOW);
        assertThat(health.healthy()).isEqualTo(4);
        assertThat(health.ordering()).isTrue();
        assertThat(health.view()).isZero();
        assertThat(health.primary()).isZero();
        assertThat(health.highestExecuted()).isEqualTo(300);
        assertThat(health.rows().get(2).lag()).isEqualTo(1);
        assertThat(health.verdict()).isEqualTo("ok: all 4 replicas healthy (ordering needs 3)");
    }

    @Test
    void oneDownStillOrdersWithNoSpareAndNamesADeadPrimary() {
        ClusterHealth health = ClusterHealth.of(FOUR, List.of(down(0), up(1, 0, 10), up(2, 0, 10), up(3, 0, 10)),
                128, NOW);
        assertThat(health.ordering()).isTrue();
        assertThat(health.rows().get(0).state()).isEqualTo("unreachable");
        assertThat(health.rows().get(0).problem()).isEqualTo("connection refused");
        assertThat(health.verdict()).contains("3 of 4 replicas healthy").contains("one more failure stops ordering")
                .contains("the primary, replica 0, is among them");
    }

    @Test
    void twoOfFourDownStopsOrderingAndSaysWhichToBringBack() {
        ClusterHealth health = ClusterHealth.of(FOUR, List.of(up(0, 0, 10), up(1, 0, 10), down(2), down(3)), 128, NOW);
        assertThat(health.healthy()).isEqualTo(2);
        assertThat(health.ordering()).isFalse();
        assertThat(health.verdict()).isEqualTo("NOT ORDERING: 2 of 4 replicas healthy, and ordering needs 3 (2f+1,"
                + " f = 1): replicas [2, 3] do not answer; bring back at least 1 of them. Until then writes and joins"
                + " wait.");
        ReplicaReading cutOff = ReplicaReading.answered(1, "h:1", 0, 10, 0, 1L, NEXT_YEAR);
        assertThat(ClusterHealth.of(FOUR, List.of(up(0, 0, 10), cutOff, down(2), down(3)), 128, NOW).verdict())
                .isEqualTo("NOT ORDERING: 1 of 4 replicas healthy, and ordering needs 3 (2f+1, f = 1): replicas"
                        + " [2, 3] do not answer; bring back at least 1 of them; replicas [1] answer but are not healthy"
                        + " (see above). Until then writes and joins wait.");
    }

    @Test
    void aReplicaFarBehindInAnotherViewOrCutOffFromItsPeersIsNotHealthy() {
        ReplicaReading isolated = ReplicaReading.answered(3, "h:3", 0, 1000, 896, 1L, NEXT_YEAR);
        ClusterHealth health = ClusterHealth.of(FOUR, List.of(up(0, 0, 1000), up(1, 0, 700), up(2, 2, 1000),
                isolated), 128, NOW);
        assertThat(health.rows()).extracting(ClusterHealth.Row::state)
                .containsExactly("healthy", "behind", "other view", "isolated");
        assertThat(health.rows().get(1).problem()).startsWith("300 sequence numbers behind (more than 128)");
        assertThat(health.rows().get(2).problem()).startsWith("in view 2, most replicas in view 0");
        assertThat(health.rows().get(3).problem()).isEqualTo("connected to 1 of 3 other replicas; a quorum needs 2");
        assertThat(health.ordering()).isFalse();
    }

    @Test
    void theViewIsTheOneMostReplicasReportTheHigherOnATie() {
        assertThat(ClusterHealth.of(FOUR, List.of(up(0, 1, 5), up(1, 1, 5), up(2, 2, 5), up(3, 2, 5)), 128, NOW)
                .view()).isEqualTo(2);
        assertThat(ClusterHealth.of(FOUR, List.of(up(0, 1, 5), up(1, 1, 5), up(2, 1, 5), up(3, 2, 5)), 128, NOW)
                .view()).isEqualTo(1);
        ClusterHealth none = ClusterHealth.of(FOUR, List.of(down(0), down(1), down(2), down(3)), 128, NOW);
        assertThat(none.view()).isEqualTo(-1);
        assertThat(none.primary()).isEqualTo(-1);
        assertThat(none.highestExecuted()).isEqualTo(-1);
    }

    @Test
    void aCertificateCloseToItsEndIsWarnedAboutWithoutMakingTheReplicaUnhealthy() {
        ReplicaReading soon = ReplicaReading.answered(1, "h:1", 0, 5, 0, 3L, NOW.plus(Duration.ofDays(3)));
        ClusterHealth health = ClusterHealth.of(FOUR, List.of(up(0, 0, 5), soon, up(2, 0, 5), up(3, 0, 5)), 128, NOW);
        assertThat(health.rows().get(1).healthy()).isTrue();
        assertThat(health.rows().get(1).warning()).isEqualTo("its certificate expires in 72 hours: renew it");
        assertThat(health.rows().get(0).warning()).isNull();
    }

    @Test
    void aTableAndJsonSayTheSame() {
        ClusterHealth health = ClusterHealth.of(FOUR, List.of(up(0, 0, 10), up(1, 0, 10), down(2), down(3)), 128, NOW);
        String table = StatusCommand.table(health, NOW);
        assertThat(table).contains("replica  metrics").contains("2        127.0.0.1:9402         unreachable")
                .contains("replica 2: connection refused").contains("2027-06-01 (365 days)").endsWith(health.verdict() + System.lineSeparator());
        String json = StatusCommand.json(health, NOW);
        assertThat(json).contains("\"ordering\" : false").contains("\"healthy\" : 2").contains("\"needed\" : 3")
                .contains("\"certificateDaysLeft\" : 365").contains("\"problem\" : \"connection refused\"");
    }

    @Test
    void metricsSamplesWithoutLabelsAreRead() {
        var samples = MetricsProbe.samples("""
                # HELP bastion_view The replica's current view.
                # TYPE bastion_view gauge
                bastion_view 3
                bastion_rejected_frames_total{reason="truncated"} 2
                bastion_last_executed_seq 1.234e3
                bastion_odd not-a-number
                """);
        assertThat(samples).containsEntry("bastion_view", 3L).containsEntry("bastion_last_executed_seq", 1234L)
                .doesNotContainKey("bastion_odd").hasSize(2);
    }
}
