package io.bastion.server.observe;

import io.bastion.core.util.Check;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A replica's metrics, written in the Prometheus text exposition format 0.0.4 by {@link #scrape}
 * (served by {@link MetricsServer}). Three kinds of value: counters the caller owns and increments
 * ({@link #counter}); counters and gauges read through a supplier at scrape time
 * ({@link #counterOf}, {@link #gauge}, and by label from a map, {@link #counterFamily},
 * {@link #gaugeFamily}); and latency histograms ({@link #latencyHistogram}). Every name starts
 * with {@code bastion_} and is registered once (a histogram also reserves its {@code _bucket},
 * {@code _sum} and {@code _count} names); families are written in registration order.
 *
 * <p>Thread-safe. Registration takes a lock; updates to counters and histograms do not, and do
 * not allocate. Suppliers are called on the scraping thread and must be thread-safe and cheap.
 */
public final class Metrics {
    private final Map<String, MetricFamily> families = new LinkedHashMap<>();
    private final Set<String> sampleNames = new HashSet<>();

    /** An unlabelled counter that the caller increments. */
    public Counter counter(String name, String help) {
        return counter(name, help, Map.of());
    }

    /**
     * A counter with {@code labels} that the caller increments. Several label sets may share one
     * name (and then the same help text); each label set is registered once.
     */
    public synchronized Counter counter(String name, String help, Map<String, String> labels) {
        Map<String, String> sorted = new TreeMap<>(labels);
        sorted.keySet().forEach(PrometheusText::checkLabelName);
        Check.argument(!sorted.containsValue(null), "metric " + name + ": a label value is null");
        Counter counter = new Counter();
        MetricFamily existing = families.get(name);
        if (existing instanceof MetricFamily.Owned owned) {
            Check.argument(owned.help().equals(help), "metric " + name + " is registered already with other help");
            Check.argument(owned.add(sorted, counter), "metric " + name + sorted + " is registered already");
        } else {
            Check.argument(existing == null, "metric " + name + " is registered already as another kind");
            MetricFamily.Owned family = new MetricFamily.Owned(name, help, new CopyOnWriteArrayList<>());
            family.add(sorted, counter);
            register(family);
        }
        return counter;
    }

    /** A counter whose value {@code value} reads at scrape time (a count kept elsewhere). */
    public synchronized void counterOf(String name, String help, LongSupplier value) {
        register(new MetricFamily.Supplied(name, help, MetricType.COUNTER, value));
    }

    /** A gauge whose value {@code value} reads at scrape time. */
    public synchronized void gauge(String name, String help, LongSupplier value) {
        register(new MetricFamily.Supplied(name, help, MetricType.GAUGE, value));
    }

    /**
     * Counters by one label, e.g. rejections by {@code reason}: at scrape time {@code values}
     * gives label value → count (values must not be null); one sample per entry, in label order.
     */
    public synchronized void counterFamily(String name, String help, String labelName,
                                           Supplier<? extends Map<String, Long>> values) {
        PrometheusText.checkLabelName(labelName);
        register(new MetricFamily.Labelled(name, help, MetricType.COUNTER, labelName, values));
    }

    /** Gauges by one label, read like {@link #counterFamily}. */
    public synchronized void gaugeFamily(String name, String help, String labelName,
                                         Supplier<? extends Map<String, Long>> values) {
        PrometheusText.checkLabelName(labelName);
        register(new MetricFamily.Labelled(name, help, MetricType.GAUGE, labelName, values));
    }

    /** A latency histogram exposed in seconds, with {@link LatencyHistogram#DEFAULT_BOUNDS_NANOS}. */
    public LatencyHistogram latencyHistogram(String name, String help) {
        return latencyHistogram(name, help, LatencyHistogram.DEFAULT_BOUNDS_NANOS);
    }

    /** A latency histogram exposed in seconds, with these bucket bounds (positive, increasing). */
    public synchronized LatencyHistogram latencyHistogram(String name, String help, long[] boundsNanos) {
        LatencyHistogram histogram = new LatencyHistogram(boundsNanos);
        register(new MetricFamily.Histogram(name, help, histogram));
        return histogram;
    }

    private void register(MetricFamily family) {
        PrometheusText.checkMetricName(family.name());
        Check.argument(family.help() != null && !family.help().isBlank(), "metric " + family.name() + " needs help text");
        for (String sample : family.sampleNames()) {
            Check.argument(!sampleNames.contains(sample), "metric name " + sample + " is registered already");
        }
        sampleNames.addAll(family.sampleNames());
        families.put(family.name(), family);
    }

    /** Every metric in the text exposition format 0.0.4 (lines end with {@code \n}). */
    public String scrape() {
        List<MetricFamily> snapshot;
        synchronized (this) {
            snapshot = new ArrayList<>(families.values());
        }
        StringBuilder out = new StringBuilder();
        for (MetricFamily family : snapshot) {
            PrometheusText.header(out, family.name(), family.help(), family.type().text());
            family.writeSamples(out);
        }
        return out.toString();
    }
}
