package io.bastion.bench.matrix;

import io.bastion.bench.LoadBenchmark.ClientsKind;
import io.bastion.core.config.ProtocolSettings;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code --matrix seed}: the study's configurations, their clusters, their order and the time they take. */
class SeedMatrixTest {
    private static final List<MatrixEntry> SEED = Matrix.SEED.entries();
    private static final int AUTHENTICATIONS = ClientAuthentication.values().length;

    private static List<MatrixEntry> of(Figure figure) {
        return SEED.stream().filter(e -> e.figure() == figure).toList();
    }

    @Test
    void table1IsEveryAuthenticationBatchingClientsKindSizeAndClientCountOverNullOperations() {
        List<MatrixEntry> table1 = of(Figure.TABLE_1);
        // 2 batching × 2 clients kinds × 4 sizes × 3 client counts, per authentication mode
        assertThat(table1).hasSize(48 * AUTHENTICATIONS);
        assertThat(new HashSet<>(table1)).as("no configuration twice").hasSize(table1.size());
        assertThat(table1).allMatch(e -> e.service() == MatrixService.NULL && e.replyBytes() == 0);
        assertThat(table1.stream().map(MatrixEntry::requestBytes).distinct()).containsExactly(256, 1024, 2048, 4096);
        assertThat(table1.stream().map(MatrixEntry::clients).distinct()).containsExactly(1, 12, 50);
        assertThat(table1.stream().map(MatrixEntry::batching).distinct()).containsExactly(Batching.ON, Batching.OFF);
        assertThat(table1.stream().map(MatrixEntry::clientsKind).distinct())
                .containsExactly(ClientsKind.STATIC, ClientsKind.DYNAMIC);
        assertThat(table1.stream().map(MatrixEntry::authentication).distinct())
                .containsExactly(ClientAuthentication.values());
    }

    @Test
    void figure5IsAcidAndNoAcidInsertsWithStaticAndDynamicClientsAtEachClientCount() {
        List<MatrixEntry> figure5 = of(Figure.FIGURE_5);
        assertThat(figure5).hasSize(12);
        assertThat(figure5).extracting(e -> e.service().label() + " " + e.clientsKind() + " " + e.clients())
                .containsExactly(
                        "sql-insert acid STATIC 1", "sql-insert acid STATIC 12", "sql-insert acid STATIC 50",
                        "sql-insert acid DYNAMIC 1", "sql-insert acid DYNAMIC 12", "sql-insert acid DYNAMIC 50",
                        "sql-insert no-acid STATIC 1", "sql-insert no-acid STATIC 12", "sql-insert no-acid STATIC 50",
                        "sql-insert no-acid DYNAMIC 1", "sql-insert no-acid DYNAMIC 12",
                        "sql-insert no-acid DYNAMIC 50");
        assertThat(figure5).allMatch(e -> e.batching() == Batching.ON && e.requestBytes() == 128
                && e.replyBytes() == 16 && e.authentication() == ClientAuthentication.SIGNED);
        assertThat(SEED).hasSize(48 * AUTHENTICATIONS + 12);
    }

    @Test
    void clustersChangeOnlyWithBatchingServiceOrAuthenticationAndEachRunsAsOneBlock() {
        MatrixPlan plan = MatrixPlan.of(SEED);
        assertThat(plan.entries()).as("the seed is already in cluster order").isEqualTo(SEED);
        assertThat(plan.clusters()).isEqualTo(2L * AUTHENTICATIONS + 2);
        Set<ClusterSetup> finished = new HashSet<>();
        for (int i = 0; i < SEED.size(); i++) {
            if (plan.startsCluster(i)) {
                assertThat(finished.add(SEED.get(i).cluster())).as("cluster of entry %d started once", i).isTrue();
            }
        }
        assertThat(finished).extracting(ClusterSetup::label).contains("null signed batching-on",
                "null signed batching-off", "sql-insert acid signed batching-on", "sql-insert no-acid signed batching-on");
        // every client count and size of one cluster share it
        assertThat(SEED.stream().filter(e -> e.cluster().equals(SEED.get(0).cluster()))).hasSize(24);
    }

    @Test
    void aPlanGroupsEntriesByClusterKeepingTheirOrder() {
        MatrixEntry a1 = new MatrixEntry(Figure.TABLE_1, ClientAuthentication.SIGNED, Batching.ON, MatrixService.NULL,
                ClientsKind.STATIC, 256, 0, 1);
        MatrixEntry b1 = new MatrixEntry(Figure.TABLE_1, ClientAuthentication.SIGNED, Batching.OFF, MatrixService.NULL,
                ClientsKind.STATIC, 256, 0, 1);
        MatrixEntry a2 = new MatrixEntry(Figure.TABLE_1, ClientAuthentication.SIGNED, Batching.ON, MatrixService.NULL,
                ClientsKind.DYNAMIC, 256, 0, 12);
        MatrixPlan plan = MatrixPlan.of(List.of(a1, b1, a2));
        assertThat(plan.entries()).containsExactly(a1, a2, b1);
        assertThat(plan.clusters()).isEqualTo(2);
        assertThat(List.of(plan.startsCluster(0), plan.startsCluster(1), plan.startsCluster(2)))
                .containsExactly(true, false, true);
    }

    @Test
    void timeLeftCountsEachConfigurationsWindowsAndEachClusterStillToStart() {
        MatrixPlan plan = MatrixPlan.of(SEED);
        MatrixPlan.Timing timing = new MatrixPlan.Timing(10, 60, 10, 20);
        long clusters = plan.clusters();
        double all = SEED.size() * (20 + 10) + clusters * (10 + 60 - 10);
        assertThat(plan.secondsLeft(0, timing)).isEqualTo(all);
        assertThat(plan.secondsLeft(1, timing)).as("the first cluster has started").isEqualTo(all - 10 - 60 - 20);
        assertThat(plan.secondsLeft(SEED.size() - 1, timing)).isEqualTo(10 + 20);
        assertThat(plan.secondsLeft(SEED.size(), timing)).isZero();
        assertThat(MatrixPlan.roughly(45)).isEqualTo("45 s");
        assertThat(MatrixPlan.roughly(12 * 60 + 10)).isEqualTo("12 min");
        assertThat(MatrixPlan.roughly(65 * 60)).isEqualTo("1 h 05 min");
    }

    @Test
    void batchingOffIsOneRequestPerBatchAndLeavesTheRestOfTheSettings() {
        ProtocolSettings base = ProtocolSettings.DEFAULTS.withCheckpointInterval(32, 64);
        assertThat(Batching.ON.apply(base)).isEqualTo(base);
        ProtocolSettings off = Batching.OFF.apply(base);
        assertThat(off.batchRequestsMax()).isEqualTo(1);
        assertThat(off.toBuilder().batchRequestsMax(base.batchRequestsMax()).build()).isEqualTo(base);
    }

    @Test
    void descriptionsAndParametersNameEveryDimension() {
        MatrixEntry entry = of(Figure.FIGURE_5).get(4);
        assertThat(entry.description()).isEqualTo(
                "Figure 5: sql-insert acid, signed, batching on, dynamic clients, 128/16 B, 12 clients");
        assertThat(entry.parameters()).containsEntry("figure", "figure5").containsEntry("sql-mode", "acid")
                .containsEntry("clients-kind", "dynamic").containsEntry("clients", "12");
        assertThat(SEED.get(0).description())
                .isEqualTo("Table 1: null, signed, batching on, static clients, 256/0 B, 1 client");
        assertThat(SEED.get(0).parameters()).doesNotContainKey("sql-mode");
    }

    @Test
    void anUnknownMatrixIsRefusedWithTheChoices() {
        assertThat(Matrix.parse("seed")).isEqualTo(Matrix.SEED);
        assertThatThrownBy(() -> Matrix.parse("nonsense")).hasMessage("--matrix nonsense: choose seed");
    }
}
