package io.bastion.server.observe;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MetricsTest {
    @Test
    void everyKindIsWrittenExactlyInTheTextFormat() {
        Metrics metrics = new Metrics();
        Counter executed = metrics.counter("bastion_test_executed_total", "Requests executed.");
        executed.add(41);
        executed.increment();
        metrics.gauge("bastion_test_view", "The current view.", () -> 3);
        metrics.counterOf("bastion_test_batches_total", "Batches.", () -> 7);
        metrics.counterFamily("bastion_test_rejected_total", "Rejections by reason.", "reason",
                () -> Map.of("truncated", 2L, "bad_signature", 1L));
        LatencyHistogram latency = metrics.latencyHistogram("bastion_test_latency_seconds", "Latency.",
                new long[] {1_000_000, 250_000_000, 2_000_000_000});
        latency.observeLatencyNanos(1_000_000);
        latency.observeLatencyNanos(3_500_000);
        latency.observeLatencyNanos(5_000_000_000L);
        assertThat(metrics.scrape()).isEqualTo("""
                # HELP bastion_test_executed_total Requests executed.
                # TYPE bastion_test_executed_total counter
                bastion_test_executed_total 42
                # HELP bastion_test_view The current view.
                # TYPE bastion_test_view gauge
                bastion_test_view 3
                # HELP bastion_test_batches_total Batches.
                # TYPE bastion_test_batches_total counter
                bastion_test_batches_total 7
                # HELP bastion_test_rejected_total Rejections by reason.
                # TYPE bastion_test_rejected_total counter
                bastion_test_rejected_total{reason="bad_signature"} 1
                bastion_test_rejected_total{reason="truncated"} 2
                # HELP bastion_test_latency_seconds Latency.
                # TYPE bastion_test_latency_seconds histogram
                bastion_test_latency_seconds_bucket{le="0.001"} 1
                bastion_test_latency_seconds_bucket{le="0.25"} 2
                bastion_test_latency_seconds_bucket{le="2"} 2
                bastion_test_latency_seconds_bucket{le="+Inf"} 3
                bastion_test_latency_seconds_sum 5.0045
                bastion_test_latency_seconds_count 3
                """);
        assertThat(ExpositionParser.parse(metrics.scrape())).hasSize(5);
    }

    @Test
    void labelValuesAndHelpAreEscaped() {
        Metrics metrics = new Metrics();
        metrics.counter("bastion_test_total", "Help with \\ and\nnewline and \"quotes\".",
                Map.of("path", "C:\\dir\n\"x\"", "a", "1")).increment();
        String text = metrics.scrape();
        assertThat(text).isEqualTo("""
                # HELP bastion_test_total Help with \\\\ and\\nnewline and "quotes".
                # TYPE bastion_test_total counter
                bastion_test_total{a="1",path="C:\\\\dir\\n\\"x\\""} 1
                """);
        var family = ExpositionParser.parse(text).get("bastion_test_total");
        assertThat(family.help()).isEqualTo("Help with \\ and\nnewline and \"quotes\".");
        assertThat(family.samples().get(0).labels()).containsEntry("path", "C:\\dir\n\"x\"");
    }

    @Test
    void severalLabelSetsShareOneFamily() {
        Metrics metrics = new Metrics();
        metrics.counter("bastion_test_total", "Things.", Map.of("reason", "a")).add(1);
        metrics.counter("bastion_test_total", "Things.", Map.of("reason", "b")).add(2);
        var family = ExpositionParser.parse(metrics.scrape()).get("bastion_test_total");
        assertThat(family.samples()).extracting(ExpositionParser.Sample::value).containsExactly(1.0, 2.0);
        assertThatThrownBy(() -> metrics.counter("bastion_test_total", "Things.", Map.of("reason", "a")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> metrics.counter("bastion_test_total", "Other help.", Map.of("reason", "c")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void namesAreCheckedAndRegisteredOnce() {
        Metrics metrics = new Metrics();
        metrics.latencyHistogram("bastion_x_seconds", "Latency.");
        for (String taken : List.of("bastion_x_seconds", "bastion_x_seconds_count", "bastion_x_seconds_sum",
                "bastion_x_seconds_bucket")) {
            assertThatThrownBy(() -> metrics.gauge(taken, "Taken.", () -> 1)).as(taken)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        for (String bad : List.of("requests_total", "bastion-requests", "bastion requests", "9bastion_x", "")) {
            assertThatThrownBy(() -> metrics.gauge(bad, "Bad.", () -> 1)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> metrics.counterFamily("bastion_y_total", "Bad label.", "__reason", Map::of))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> metrics.counter("bastion_z_total", "Bad label.", Map.of("a-b", "1")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> metrics.gauge("bastion_w", " ", () -> 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> metrics.counter("bastion_v_total", "V.").add(-1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void suppliersAreReadAtScrapeTime() {
        Metrics metrics = new Metrics();
        AtomicLong depth = new AtomicLong();
        metrics.gauge("bastion_test_depth", "Depth.", depth::get);
        depth.set(17);
        assertThat(metrics.scrape()).contains("bastion_test_depth 17\n");
        depth.set(3);
        assertThat(metrics.scrape()).contains("bastion_test_depth 3\n");
    }

    @Test
    void histogramBucketsIncludeTheirBoundAndClampNegativeLatencies() {
        LatencyHistogram h = new Metrics().latencyHistogram("bastion_h_seconds", "H.");
        h.observeLatencyNanos(500_000);
        h.observeLatencyNanos(500_001);
        h.observeLatencyNanos(-5);
        h.observeLatencyNanos(Long.MAX_VALUE / 2);
        long[] counts = h.bucketCounts();
        assertThat(counts[0]).isEqualTo(2);
        assertThat(counts[1]).isEqualTo(1);
        assertThat(counts[counts.length - 1]).isEqualTo(1);
        assertThat(h.count()).isEqualTo(4);
        assertThat(h.boundsNanos()).containsExactly(LatencyHistogram.DEFAULT_BOUNDS_NANOS);
    }

    @Test
    void defaultBucketsRunFromHalfAMillisecondToTenSeconds() {
        Metrics metrics = new Metrics();
        metrics.latencyHistogram("bastion_h_seconds", "H.");
        List<String> bounds = new ArrayList<>();
        for (ExpositionParser.Sample s : ExpositionParser.parse(metrics.scrape()).get("bastion_h_seconds").samples()) {
            if (s.name().endsWith("_bucket")) {
                bounds.add(s.labels().get("le"));
            }
        }
        assertThat(bounds).containsExactly("0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1",
                "0.25", "0.5", "1", "2.5", "5", "10", "+Inf");
    }

    @Test
    void secondsAreExactDecimals() {
        assertThat(PrometheusText.seconds(0)).isEqualTo("0");
        assertThat(PrometheusText.seconds(1)).isEqualTo("0.000000001");
        assertThat(PrometheusText.seconds(1_500_000_000)).isEqualTo("1.5");
        assertThat(PrometheusText.seconds(12_000_000_000L)).isEqualTo("12");
    }

    @Test
    void concurrentUpdatesAreAllCounted() throws InterruptedException {
        Metrics metrics = new Metrics();
        Counter counter = metrics.counter("bastion_c_total", "C.");
        LatencyHistogram h = metrics.latencyHistogram("bastion_h_seconds", "H.");
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    counter.increment();
                    h.observeLatencyNanos(i * 1_000L);
                    if (i % 1_000 == 0) {
                        ExpositionParser.parse(metrics.scrape()); // consistent while updated
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
        assertThat(counter.value()).isEqualTo(40_000);
        assertThat(h.count()).isEqualTo(40_000);
    }

    @Test
    void theStrictParserRefusesBrokenText() {
        for (String broken : List.of(
                "bastion_x 1\n",
                "# TYPE bastion_x gauge\nbastion_x 1",
                "# TYPE bastion_x gauge\nbastion_x 1\n# TYPE bastion_y gauge\nbastion_y 1\nbastion_x 2\n",
                "# TYPE bastion_x gauge\nbastion_x{a=\"1\"} 1\nbastion_x{a=\"1\"} 2\n",
                "# TYPE bastion_x gauge\nbastion_x{a=\"\\q\"} 1\n",
                "# TYPE bastion_x gauge\nbastion_x one\n",
                "# TYPE bastion_x histogram\nbastion_x_bucket{le=\"1\"} 2\nbastion_x_bucket{le=\"+Inf\"} 1\nbastion_x_count 1\n")) {
            assertThatThrownBy(() -> ExpositionParser.parse(broken)).as(broken).isInstanceOf(AssertionError.class);
        }
    }
}
