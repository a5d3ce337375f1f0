package io.bastion.server.observe;

import java.util.Locale;

/** The kinds of metric {@link Metrics} exposes, as the {@code # TYPE} line names them. */
public enum MetricType {
    /** A count that only grows (until the process restarts). */
    COUNTER,
    /** A value that goes up and down, read when scraped. */
    GAUGE,
    /** Observations counted into cumulative buckets, with their sum and count. */
    HISTOGRAM;

    /** The name in the text format: {@code counter}, {@code gauge}, {@code histogram}. */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }
}
