package io.bastion.server.observe;

import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The standard metrics as a scrape shows them: the names, types and labels operators' dashboards,
 * alerts, {@code bastion status} and the deploy scripts read, in the text format the Prometheus
 * client writes (checked by the strict {@link ExpositionParser}).
 */
class StandardMetricsTest {
    private enum Reason { TRUNCATED, BAD_SIGNATURE }

    private static StandardMetrics.Builder everything() {
        Map<String, Long> rejected = Map.of("truncated", 3L);
        return StandardMetrics.builder()
                .requestsExecuted(() -> 100).batchesExecuted(() -> 10).view(() -> 2).viewChanges(() -> 2)
                .lastExecutedSeq(() -> 10).lastStableSeq(() -> 0).inboundQueueDepth(() -> 4)
                .executorQueueDepth(() -> 1).stateTransfers(() -> 0)
                .rejectedFrames(() -> rejected).rejectedMessages(() -> Map.of("bad_signature", 1L))
                .droppedMessages(() -> Map.of("queue_full", 0L)).staleMessagesSkipped(() -> 6).sessionsLive(() -> 1)
                .hellosAnswered(() -> 5).inboundBytes(() -> Map.of("r1", 64L, "clients", 0L))
                .executorUnorderedDepth(() -> 0).verificationsSaved(() -> 8).peersConnected(() -> 3)
                .webRejectedMessages(() -> Map.of("not_json", 2L)).webErrorAnswersDropped(() -> 1)
                .coreEvents(() -> Map.of("messages_after_execution", 7L, "requests_duplicate", 0L));
    }

    /** Every {@code public static final String} of {@link StandardMetrics} that names a metric. */
    static List<String> standardNames() throws IllegalAccessException {
        List<String> names = new ArrayList<>();
        for (Field field : StandardMetrics.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class
                    && ((String) field.get(null)).startsWith("bastion_")) {
                names.add((String) field.get(null));
            }
        }
        return names;
    }

    @Test
    void everyStandardMetricIsRegisteredFromItsSupplierUnderItsName() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        StandardMetrics standard = everything().register(registry);
        StandardMetrics.observeLatencyNanos(standard.requestLatency(), 2_000_000);
        String text = MetricsServer.scrape(registry);
        var families = ExpositionParser.parse(text);

        assertThat(families.keySet()).containsExactlyInAnyOrderElementsOf(standardNames()).hasSize(23);
        for (var family : families.values()) {
            assertThat(family.name()).as("the name says the type").matches(switch (family.type()) {
                case "counter" -> "bastion_[a-z_]+_total";
                case "histogram" -> "bastion_[a-z_]+_seconds";
                default -> "bastion_[a-z_]+(?<!_total)";
            });
            assertThat(family.help()).as(family.name()).isNotBlank();
        }
        assertThat(families.get(StandardMetrics.VIEW).type()).isEqualTo("gauge");
        assertThat(families.get(StandardMetrics.INBOUND_BYTES).type()).isEqualTo("gauge");
        assertThat(families.get(StandardMetrics.REQUESTS_EXECUTED).type()).isEqualTo("counter");
        assertThat(families.get(StandardMetrics.WEB_REJECTED_MESSAGES).type()).isEqualTo("counter");
        assertThat(families.get(StandardMetrics.REQUEST_LATENCY).type()).isEqualTo("histogram");
        assertThat(text).contains("bastion_rejected_frames_total{reason=\"truncated\"} 3.0\n")
                .contains("bastion_request_latency_seconds_count 1\n")
                .contains("bastion_requests_executed_total 100.0\n").contains("bastion_peers_connected 3.0\n")
                .contains("bastion_inbound_bytes{source=\"r1\"} 64.0\n")
                .contains("bastion_web_rejected_messages_total{reason=\"not_json\"} 2.0\n")
                .contains("bastion_web_error_answers_dropped_total 1.0\n")
                .contains("bastion_core_events_total{event=\"messages_after_execution\"} 7.0\n")
                .contains("bastion_core_events_total{event=\"requests_duplicate\"} 0.0\n");
    }

    @Test
    void theExpositionIsExactlyThis() {
        PrometheusRegistry registry = new PrometheusRegistry();
        StandardMetrics standard = StandardMetrics.builder().requestsExecuted(() -> 42).view(() -> 3)
                .rejectedFrames(() -> Map.of("truncated", 2L, "bad_signature", 1L)).register(registry);
        StandardMetrics.observeLatencyNanos(standard.requestLatency(), 1_000_000);
        StandardMetrics.observeLatencyNanos(standard.requestLatency(), 3_500_000);
        StandardMetrics.observeLatencyNanos(standard.requestLatency(), 12_000_000_000L);
        assertThat(MetricsServer.scrape(registry)).isEqualTo("""
                # HELP bastion_rejected_frames_total Connections closed for a bad frame or handshake, or for a time limit, by reason.
                # TYPE bastion_rejected_frames_total counter
                bastion_rejected_frames_total{reason="bad_signature"} 1.0
                bastion_rejected_frames_total{reason="truncated"} 2.0
                # HELP bastion_request_latency_seconds Time from a request's arrival at the replica to its reply leaving it.
                # TYPE bastion_request_latency_seconds histogram
                bastion_request_latency_seconds_bucket{le="5.0E-4"} 0
                bastion_request_latency_seconds_bucket{le="0.001"} 1
                bastion_request_latency_seconds_bucket{le="0.0025"} 1
                bastion_request_latency_seconds_bucket{le="0.005"} 2
                bastion_request_latency_seconds_bucket{le="0.01"} 2
                bastion_request_latency_seconds_bucket{le="0.025"} 2
                bastion_request_latency_seconds_bucket{le="0.05"} 2
                bastion_request_latency_seconds_bucket{le="0.1"} 2
                bastion_request_latency_seconds_bucket{le="0.25"} 2
                bastion_request_latency_seconds_bucket{le="0.5"} 2
                bastion_request_latency_seconds_bucket{le="1.0"} 2
                bastion_request_latency_seconds_bucket{le="2.5"} 2
                bastion_request_latency_seconds_bucket{le="5.0"} 2
                bastion_request_latency_seconds_bucket{le="10.0"} 2
                bastion_request_latency_seconds_bucket{le="+Inf"} 3
                bastion_request_latency_seconds_count 3
                bastion_request_latency_seconds_sum 12.0045
                # HELP bastion_requests_executed_total Requests executed.
                # TYPE bastion_requests_executed_total counter
                bastion_requests_executed_total 42.0
                # HELP bastion_view The replica's current view.
                # TYPE bastion_view gauge
                bastion_view 3.0
                """);
    }

    @Test
    void latencyBucketsRunFromHalfAMillisecondToTenSecondsAndIncludeTheirBound() {
        PrometheusRegistry registry = new PrometheusRegistry();
        Histogram latency = StandardMetrics.requestLatencyOn(registry);
        StandardMetrics.observeLatencyNanos(latency, 500_000);
        StandardMetrics.observeLatencyNanos(latency, 500_001);
        StandardMetrics.observeLatencyNanos(latency, -5); // a clock step: counted as zero
        StandardMetrics.observeLatencyNanos(latency, Long.MAX_VALUE / 2);
        List<Double> bounds = new ArrayList<>();
        Map<Double, Double> cumulative = new java.util.HashMap<>();
        var family = ExpositionParser.parse(MetricsServer.scrape(registry)).get(StandardMetrics.REQUEST_LATENCY);
        for (ExpositionParser.Sample s : family.samples()) {
            if (s.name().endsWith("_bucket")) {
                double bound = Double.parseDouble(s.labels().get("le").replace("+Inf", "Infinity"));
                bounds.add(bound);
                cumulative.put(bound, s.value());
            }
        }
        assertThat(bounds).containsExactly(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
                5.0, 10.0, Double.POSITIVE_INFINITY);
        assertThat(cumulative.get(0.0005)).as("0.5 ms and the clamped one").isEqualTo(2);
        assertThat(cumulative.get(0.001)).isEqualTo(3);
        assertThat(cumulative.get(10.0)).isEqualTo(3);
        assertThat(cumulative.get(Double.POSITIVE_INFINITY)).isEqualTo(4);
    }

    @Test
    void whatTheRuntimeDoesNotSupplyIsLeftOut() {
        PrometheusRegistry registry = new PrometheusRegistry();
        StandardMetrics.builder().view(() -> 0).register(registry);
        assertThat(ExpositionParser.parse(MetricsServer.scrape(registry)).keySet())
                .containsExactly(StandardMetrics.REQUEST_LATENCY, StandardMetrics.VIEW);
        assertThatThrownBy(() -> StandardMetrics.builder().register(registry))
                .as("registered twice").isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFamilyByReasonWithNoReasonYetHasNoLines() {
        PrometheusRegistry registry = new PrometheusRegistry();
        StandardMetrics.builder().view(() -> 0).droppedMessages(Map::of).register(registry);
        assertThat(MetricsServer.scrape(registry)).doesNotContain(StandardMetrics.DROPPED_MESSAGES);
    }

    @Test
    void aHistogramRegisteredEarlierIsUsedNotRegisteredAgain() {
        PrometheusRegistry registry = new PrometheusRegistry();
        Histogram early = StandardMetrics.requestLatencyOn(registry);
        StandardMetrics standard = StandardMetrics.builder().requestLatency(early).view(() -> 1).register(registry);
        assertThat(standard.requestLatency()).isSameAs(early);
    }

    @Test
    void suppliersAreReadAtEveryScrape() {
        PrometheusRegistry registry = new PrometheusRegistry();
        AtomicLong depth = new AtomicLong(17);
        Map<String, Long> reasons = new java.util.concurrent.ConcurrentHashMap<>(Map.of("truncated", 1L));
        StandardMetrics.builder().inboundQueueDepth(depth::get).rejectedFrames(() -> reasons).register(registry);
        assertThat(MetricsServer.scrape(registry)).contains("bastion_inbound_queue_depth 17.0\n")
                .doesNotContain("oversized");
        depth.set(3);
        reasons.put("oversized", 4L);
        assertThat(MetricsServer.scrape(registry)).contains("bastion_inbound_queue_depth 3.0\n")
                .contains("bastion_rejected_frames_total{reason=\"oversized\"} 4.0\n");
    }

    @Test
    void labelValuesAreEscaped() {
        PrometheusRegistry registry = new PrometheusRegistry();
        String odd = "C:\\dir\n\"x\"";
        StandardMetrics.builder().rejectedMessages(() -> Map.of(odd, 1L)).register(registry);
        String text = MetricsServer.scrape(registry);
        assertThat(text).contains("bastion_rejected_messages_total{reason=\"C:\\\\dir\\n\\\"x\\\"\"} 1.0\n");
        var family = ExpositionParser.parse(text).get(StandardMetrics.REJECTED_MESSAGES);
        assertThat(family.samples().get(0).labels()).containsEntry(StandardMetrics.REASON, odd);
    }

    @Test
    void concurrentObservationsAreAllCountedAndEveryScrapeIsConsistent() throws InterruptedException {
        PrometheusRegistry registry = new PrometheusRegistry();
        Histogram latency = StandardMetrics.requestLatencyOn(registry);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    StandardMetrics.observeLatencyNanos(latency, i * 1_000L);
                    if (i % 1_000 == 0) {
                        ExpositionParser.parse(MetricsServer.scrape(registry)); // buckets agree with the count
                    }
                }
            });
            thread.setUncaughtExceptionHandler((th, e) -> failures.add(e));
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(failures).isEmpty();
        assertThat(MetricsServer.scrape(registry)).contains("bastion_request_latency_seconds_count 40000\n");
    }

    @Test
    void reasonsAreLowerCaseAndAddedUpAcrossSources() {
        Map<Reason, Long> mesh = new EnumMap<>(Map.of(Reason.TRUNCATED, 2L, Reason.BAD_SIGNATURE, 0L));
        Map<Reason, Long> clients = new EnumMap<>(Map.of(Reason.TRUNCATED, 5L));
        assertThat(StandardMetrics.byReason(mesh, clients)).containsExactly(
                Map.entry("bad_signature", 0L), Map.entry("truncated", 7L));
    }
}
