package io.bastion.bench.matrix;

import io.bastion.core.config.ProtocolSettings;

/**
 * Whether the primary orders requests in batches, a dimension of a matrix ({@code batching=on|off}).
 * Off is one request per batch: {@code batchRequestsMax} = 1, everything else (the pipeline of
 * {@code inFlightBatchesMax} batches among it) as in the run's settings.
 */
public enum Batching {
    /** The run's settings as they are (by default up to 512 requests per batch). */
    ON("on"),
    /** One request per batch. */
    OFF("off");

    /** {@code batchRequestsMax} with batching off. */
    public static final int UNBATCHED_REQUESTS_MAX = 1;

    private final String flag;

    Batching(String flag) {
        this.flag = flag;
    }

    public String flag() {
        return flag;
    }

    /** {@code base} with this batching. */
    public ProtocolSettings apply(ProtocolSettings base) {
        return this == ON ? base : base.withBatching(UNBATCHED_REQUESTS_MAX, base.inFlightBatchesMax());
    }
}
