package io.bastion.server.observe;

import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StandardMetricsTest {
    private enum Reason { TRUNCATED, BAD_SIGNATURE }

    @Test
    void everyStandardMetricIsRegisteredFromItsSupplier() {
        Metrics metrics = new Metrics();
        Map<String, Long> rejected = Map.of("truncated", 3L);
        StandardMetrics standard = StandardMetrics.builder()
                .requestsExecuted(() -> 100).batchesExecuted(() -> 10).view(() -> 2).viewChanges(() -> 2)
                .lastExecutedSeq(() -> 10).lastStableSeq(() -> 0).inboundQueueDepth(() -> 4)
                .executorQueueDepth(() -> 1).stateTransfers(() -> 0)
                .rejectedFrames(() -> rejected).rejectedMessages(() -> Map.of("bad_signature", 1L))
                .droppedMessages(Map::of).staleMessagesSkipped(() -> 6).peersConnected(() -> 3)
                .register(metrics);
        standard.requestLatency().observeLatencyNanos(2_000_000);
        var families = ExpositionParser.parse(metrics.scrape());
        assertThat(families.keySet()).containsExactlyInAnyOrderElementsOf(List.of(
                StandardMetrics.REQUESTS_EXECUTED, StandardMetrics.BATCHES_EXECUTED, StandardMetrics.REQUEST_LATENCY,
                StandardMetrics.VIEW, StandardMetrics.VIEW_CHANGES, StandardMetrics.LAST_EXECUTED_SEQ,
                StandardMetrics.LAST_STABLE_SEQ, StandardMetrics.INBOUND_QUEUE_DEPTH,
                StandardMetrics.EXECUTOR_QUEUE_DEPTH, StandardMetrics.STATE_TRANSFERS, StandardMetrics.REJECTED_FRAMES,
                StandardMetrics.REJECTED_MESSAGES, StandardMetrics.DROPPED_MESSAGES,
                StandardMetrics.STALE_MESSAGES_SKIPPED, StandardMetrics.PEERS_CONNECTED));
        assertThat(families.get(StandardMetrics.VIEW).type()).isEqualTo("gauge");
        assertThat(families.get(StandardMetrics.REQUESTS_EXECUTED).type()).isEqualTo("counter");
        assertThat(families.get(StandardMetrics.REQUEST_LATENCY).type()).isEqualTo("histogram");
        assertThat(metrics.scrape()).contains("bastion_rejected_frames_total{reason=\"truncated\"} 3\n")
                .contains("bastion_request_latency_seconds_count 1\n")
                .contains("bastion_requests_executed_total 100\n").contains("bastion_peers_connected 3\n");
    }

    @Test
    void whatTheRuntimeDoesNotSupplyIsLeftOut() {
        Metrics metrics = new Metrics();
        StandardMetrics.builder().view(() -> 0).register(metrics);
        assertThat(ExpositionParser.parse(metrics.scrape()).keySet())
                .containsExactly(StandardMetrics.REQUEST_LATENCY, StandardMetrics.VIEW);
        assertThatThrownBy(() -> StandardMetrics.builder().register(metrics))
                .as("registered twice").isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void reasonsAreLowerCaseAndAddedUpAcrossSources() {
        Map<Reason, Long> mesh = new EnumMap<>(Map.of(Reason.TRUNCATED, 2L, Reason.BAD_SIGNATURE, 0L));
        Map<Reason, Long> clients = new EnumMap<>(Map.of(Reason.TRUNCATED, 5L));
        assertThat(StandardMetrics.byReason(mesh, clients)).containsExactly(
                Map.entry("bad_signature", 0L), Map.entry("truncated", 7L));
    }
}
