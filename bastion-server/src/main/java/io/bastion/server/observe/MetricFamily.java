package io.bastion.server.observe;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One metric name with its HELP and TYPE and the samples under it, as {@link Metrics} holds them.
 * Every implementation is thread-safe: samples are written while other threads update values.
 */
sealed interface MetricFamily {
    String name();

    String help();

    MetricType type();

    /** The sample names this family writes (a histogram writes three). */
    default List<String> sampleNames() {
        return List.of(name());
    }

    /** Writes the sample lines (not the header). */
    void writeSamples(StringBuilder out);

    /** Counters owned by callers, one per label set, in registration order. */
    record Owned(String name, String help, CopyOnWriteArrayList<Series> series) implements MetricFamily {
        record Series(Map<String, String> labels, Counter counter) {}

        @Override
        public MetricType type() {
            return MetricType.COUNTER;
        }

        /** Adds a series; false if one with these labels exists already. */
        synchronized boolean add(Map<String, String> labels, Counter counter) {
            if (series.stream().anyMatch(s -> s.labels().equals(labels))) {
                return false;
            }
            series.add(new Series(labels, counter));
            return true;
        }

        @Override
        public void writeSamples(StringBuilder out) {
            for (Series s : series) {
                PrometheusText.sample(out, name, s.labels(), Long.toString(s.counter().value()));
            }
        }
    }

    /** One unlabelled value read through a supplier at scrape time. */
    record Supplied(String name, String help, MetricType type, LongSupplier value) implements MetricFamily {
        @Override
        public void writeSamples(StringBuilder out) {
            PrometheusText.sample(out, name, Map.of(), Long.toString(value.getAsLong()));
        }
    }

    /** Values by one label, read as a map at scrape time and written in label-value order. */
    record Labelled(String name, String help, MetricType type, String labelName,
                    Supplier<? extends Map<String, Long>> values) implements MetricFamily {
        @Override
        public void writeSamples(StringBuilder out) {
            for (Map.Entry<String, Long> e : new TreeMap<>(values.get()).entrySet()) {
                PrometheusText.sample(out, name, Map.of(labelName, e.getKey()), Long.toString(e.getValue()));
            }
        }
    }

    /** A {@link LatencyHistogram} in seconds: cumulative buckets, sum and count. */
    record Histogram(String name, String help, LatencyHistogram histogram) implements MetricFamily {
        private static final String BUCKET = "_bucket";
        private static final String SUM = "_sum";
        private static final String COUNT = "_count";
        private static final String BOUND_LABEL = "le";
        private static final String INFINITY = "+Inf";

        @Override
        public MetricType type() {
            return MetricType.HISTOGRAM;
        }

        @Override
        public List<String> sampleNames() {
            return List.of(name, name + BUCKET, name + SUM, name + COUNT);
        }

        @Override
        public void writeSamples(StringBuilder out) {
            long[] bounds = histogram.boundsNanos();
            long[] counts = histogram.bucketCounts();
            long cumulative = 0;
            for (int i = 0; i < counts.length; i++) {
                cumulative += counts[i];
                String bound = i < bounds.length ? PrometheusText.seconds(bounds[i]) : INFINITY;
                PrometheusText.sample(out, name + BUCKET, Map.of(BOUND_LABEL, bound), Long.toString(cumulative));
            }
            PrometheusText.sample(out, name + SUM, Map.of(), PrometheusText.seconds(histogram.sumNanos()));
            PrometheusText.sample(out, name + COUNT, Map.of(), Long.toString(cumulative));
        }
    }
}
