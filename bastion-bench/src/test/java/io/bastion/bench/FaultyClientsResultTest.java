package io.bastion.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The summary of baseline and attack windows, and the promises it checks. */
class FaultyClientsResultTest {
    private static final BenchConfig CONFIG = new BenchConfig(50, 1024, 1024);

    private static BenchResult window(String workload, long requests, double p50) {
        return new BenchResult(workload, CONFIG, 10, requests, requests / 10.0, p50, 2 * p50, 3 * p50, 4 * p50, p50,
                0, 0, 0, 0, null);
    }

    private static ClusterEvents quiet() {
        return new ClusterEvents(0, List.of(), 0, 0, 0, Map.of(), Map.of(), Map.of(), 0, 0, List.of(), 4);
    }

    private static ClusterEvents viewChange() {
        return new ClusterEvents(4, List.of("replica 1: changing to view 1"), 0, 1, 1,
                Map.of("bad_signature", 5L), Map.of("inbound_queue", 2L), Map.of(), 0, 0, List.of(), 4);
    }

    private static AttackerStats attacker(long frames, double seconds) {
        return AttackerStats.of(Attack.FLOOD, seconds, frames / 4, frames, 0, 0, 0, 10, 0, 0, 0, 0.5);
    }

    private static FaultyClientsResult.Round round(int n, long baseline, long underAttack) {
        return round(n, baseline, underAttack, quiet());
    }

    private static FaultyClientsResult.Round round(int n, long baseline, long underAttack, ClusterEvents events) {
        return new FaultyClientsResult.Round(n, window("null", baseline, 10), quiet(),
                window("null + 1x flood", underAttack, 20), events, attacker(40_000, 10), 2, true, List.of());
    }

    @Test
    void honestClientsKeepingTheirThroughputWithoutViewChangesRaiseNoFlag() {
        FaultyClientsResult result = FaultyClientsResult.of("null", Attack.FLOOD, 1, 0, CONFIG,
                List.of(round(1, 30_000, 27_000), round(2, 32_000, 28_000)), null);

        assertThat(result.baselineRequestsPerSecond()).isEqualTo(3_100);
        assertThat(result.attackRequestsPerSecond()).isEqualTo(2_750);
        assertThat(result.throughputRatio()).isCloseTo(2_750 / 3_100.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(result.baselineP50Millis()).isEqualTo(10);
        assertThat(result.attackP99Millis()).isEqualTo(40);
        assertThat(result.flags()).isEmpty();
        assertThat(result.attacker().seconds()).isEqualTo(20);
        assertThat(result.attacker().framesPerSecond()).isEqualTo(4_000);
        assertThat(result.attacker().framesOffered()).isEqualTo(80_000);
        assertThat(result.failed()).isFalse();
    }

    @Test
    void aThroughputBelowTheMinimumAViewChangeAndNoCompletionAreFlagged() {
        FaultyClientsResult result = FaultyClientsResult.of("null", Attack.FLOOD, 1, 0, CONFIG,
                List.of(round(1, 30_000, 20_000), round(2, 30_000, 0, viewChange())), null);

        assertThat(result.throughputRatio()).isCloseTo(1 / 3.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(result.viewChangeDuringAttack()).isTrue();
        assertThat(result.viewChangeDuringBaseline()).isFalse();
        assertThat(result.flags()).hasSize(3).anySatisfy(f -> assertThat(f).contains("33 %").contains("below 80 %"))
                .anySatisfy(f -> assertThat(f).startsWith("round 2: no honest request completed"))
                .anySatisfy(f -> assertThat(f).startsWith("round 2: view change during the attack"));
        assertThat(result.rejectedMessages()).containsEntry("bad_signature", 5L);
        assertThat(result.droppedMessages()).containsEntry("inbound_queue", 2L);
        assertThat(result.failed()).as("a finding, not a failure").isFalse();
    }

    @Test
    void aFailedBaselineEndsTheRoundsWithTheFailure() {
        FaultyClientsResult.Round failed = new FaultyClientsResult.Round(2, window("null", 0, 0), quiet(), null, null,
                null, 0, true, List.of());
        FaultyClientsResult result = FaultyClientsResult.of("null", Attack.REPLAY, 1, 0, CONFIG,
                List.of(round(1, 30_000, 27_000), failed), "no request completed in the measured window");

        assertThat(result.failed()).isTrue();
        assertThat(result.rounds()).hasSize(2);
        assertThat(result.baselineRequestsPerSecond()).as("complete rounds only").isEqualTo(3_000);
        assertThat(result.attacker().framesOffered()).isEqualTo(40_000);
    }
}
