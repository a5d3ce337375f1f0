package io.bastion.core.config;

import io.bastion.core.session.SessionSettings;

import io.bastion.core.util.Check;

/**
 * Tunables of the replication protocol. Immutable; validated once on construction, with messages
 * naming the offending setting as it is spelled in the cluster file.
 *
 * @param checkpointInterval      K: a checkpoint every K sequence numbers
 * @param logSize                 L: sequence numbers accepted above the last stable checkpoint
 *                                (high watermark = stable + L); a multiple of K, at least 2K
 * @param batchRequestsMax        most requests in one batch
 * @param batchBytesMax           most request bytes in one batch
 * @param inFlightBatchesMax      batches the primary may have proposed but not yet committed
 *                                (the pipeline); requests arriving meanwhile form the next batch
 * @param pipelineBatchMin        requests a batch needs to be proposed while another is being
 *                                agreed on, or while two committed ones await execution at the
 *                                primary (otherwise a batch goes at once, whatever its size): more,
 *                                smaller batches cost more signatures per request, so the pipeline
 *                                fills only when enough requests wait
 * @param requestBytesMax         largest client operation accepted
 * @param pendingRequestsMax      request bodies a replica holds before they are ordered
 * @param requestsPerClientMax    request bodies held per client (a client has one outstanding)
 * @param statusIntervalMillis    without progress for this long, a replica asks peers to retransmit
 * @param idleStatusIntervalMillis with nothing to do, a replica still reports its status this often
 * @param requestFetchDelayMillis how long a backup waits for a body ordered by a pre-prepare
 *                                before fetching it from a peer
 * @param clockSkewMaxMillis      how far a proposed batch time may be from a backup's own clock
 * @param retransmitBatchesMax    most sequence numbers retransmitted in answer to one status
 * @param requestTimeoutMillis    a backup whose oldest pending request waited this long suspects
 *                                the primary and starts a view change; doubled for each further
 *                                view change without progress
 * @param stateChunkBytes         size of the chunks the state is split into for digests and
 *                                state transfer (must be the same on every replica)
 * @param stateFetchChunksMax     chunks asked for in one state-transfer request
 * @param sessions                limits of dynamic client membership (session table, challenges)
 */
public record ProtocolSettings(
        int checkpointInterval,
        int logSize,
        int batchRequestsMax,
        int batchBytesMax,
        int inFlightBatchesMax,
        int pipelineBatchMin,
        int requestBytesMax,
        int pendingRequestsMax,
        int requestsPerClientMax,
        long statusIntervalMillis,
        long idleStatusIntervalMillis,
        long requestFetchDelayMillis,
        long clockSkewMaxMillis,
        int retransmitBatchesMax,
        long requestTimeoutMillis,
        int stateChunkBytes,
        int stateFetchChunksMax,
        SessionSettings sessions) {

    // The defaults, one named constant each (the cluster file's protocol section overrides them).
    public static final int CHECKPOINT_INTERVAL_DEFAULT = 128;
    public static final int LOG_SIZE_DEFAULT = 2 * CHECKPOINT_INTERVAL_DEFAULT;
    public static final int BATCH_REQUESTS_MAX_DEFAULT = 512;
    public static final int BATCH_BYTES_MAX_DEFAULT = 4 << 20;
    public static final int IN_FLIGHT_BATCHES_MAX_DEFAULT = 2;
    public static final int PIPELINE_BATCH_MIN_DEFAULT = 16;
    public static final int REQUEST_BYTES_MAX_DEFAULT = 1 << 20;
    public static final int PENDING_REQUESTS_MAX_DEFAULT = 100_000;
    public static final int REQUESTS_PER_CLIENT_MAX_DEFAULT = 4;
    public static final long STATUS_INTERVAL_MILLIS_DEFAULT = 100;
    public static final long IDLE_STATUS_INTERVAL_MILLIS_DEFAULT = 1_000;
    public static final long REQUEST_FETCH_DELAY_MILLIS_DEFAULT = 20;
    public static final long CLOCK_SKEW_MAX_MILLIS_DEFAULT = 10_000;
    public static final int RETRANSMIT_BATCHES_MAX_DEFAULT = 64;
    public static final long REQUEST_TIMEOUT_MILLIS_DEFAULT = 1_000;
    public static final int STATE_CHUNK_BYTES_DEFAULT = 64 << 10;
    public static final int STATE_FETCH_CHUNKS_MAX_DEFAULT = 16;

    public static final ProtocolSettings DEFAULTS = builder().build();

    public ProtocolSettings {
        positive(checkpointInterval, "checkpointInterval");
        Check.argument(logSize >= 2 * checkpointInterval && logSize % checkpointInterval == 0,
                "logSize must be a multiple of checkpointInterval and at least twice it, got " + logSize);
        positive(batchRequestsMax, "batchRequestsMax");
        positive(batchBytesMax, "batchBytesMax");
        positive(inFlightBatchesMax, "inFlightBatchesMax");
        Check.argument(inFlightBatchesMax <= logSize, "inFlightBatchesMax must not exceed logSize");
        positive(pipelineBatchMin, "pipelineBatchMin");
        positive(requestBytesMax, "requestBytesMax");
        Check.argument(requestBytesMax <= batchBytesMax, "requestBytesMax must not exceed batchBytesMax");
        positive(pendingRequestsMax, "pendingRequestsMax");
        positive(requestsPerClientMax, "requestsPerClientMax");
        positive(statusIntervalMillis, "statusIntervalMillis");
        Check.argument(idleStatusIntervalMillis >= statusIntervalMillis,
                "idleStatusIntervalMillis must be at least statusIntervalMillis");
        positive(requestFetchDelayMillis, "requestFetchDelayMillis");
        positive(clockSkewMaxMillis, "clockSkewMaxMillis");
        positive(retransmitBatchesMax, "retransmitBatchesMax");
        Check.argument(requestTimeoutMillis > statusIntervalMillis,
                "requestTimeoutMillis must exceed statusIntervalMillis, got " + requestTimeoutMillis);
        Check.argument(stateChunkBytes >= 1024 && stateChunkBytes <= (4 << 20),
                "stateChunkBytes must be in 1 KiB..4 MiB, got " + stateChunkBytes);
        positive(stateFetchChunksMax, "stateFetchChunksMax");
        Check.argument(sessions != null, "sessions must be set");
    }

    private static void positive(long value, String name) {
        Check.argument(value > 0, name + " must be positive, got " + value);
    }

    /** Settings with every value at its default, to change some of them. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these settings, to change some of them. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    public ProtocolSettings withCheckpointInterval(int k, int logSize) {
        return toBuilder().checkpointInterval(k).logSize(logSize).build();
    }

    public ProtocolSettings withRequestTimeout(long millis) {
        return toBuilder().requestTimeoutMillis(millis).build();
    }

    public ProtocolSettings withBatching(int batchRequestsMax, int inFlightBatchesMax) {
        return toBuilder().batchRequestsMax(batchRequestsMax).inFlightBatchesMax(inFlightBatchesMax).build();
    }

    public ProtocolSettings withSessions(SessionSettings settings) {
        return toBuilder().sessions(settings).build();
    }

    public ProtocolSettings withStateChunkBytes(int bytes) {
        return toBuilder().stateChunkBytes(bytes).build();
    }

    /**
     * Settings by name: starts from the defaults (or from given settings) and validates only in
     * {@link #build()}, so settings that depend on each other can be changed in any order.
     */
    public static final class Builder {
        private int checkpointInterval = CHECKPOINT_INTERVAL_DEFAULT;
        private int logSize = LOG_SIZE_DEFAULT;
        private int batchRequestsMax = BATCH_REQUESTS_MAX_DEFAULT;
        private int batchBytesMax = BATCH_BYTES_MAX_DEFAULT;
        private int inFlightBatchesMax = IN_FLIGHT_BATCHES_MAX_DEFAULT;
        private int pipelineBatchMin = PIPELINE_BATCH_MIN_DEFAULT;
        private int requestBytesMax = REQUEST_BYTES_MAX_DEFAULT;
        private int pendingRequestsMax = PENDING_REQUESTS_MAX_DEFAULT;
        private int requestsPerClientMax = REQUESTS_PER_CLIENT_MAX_DEFAULT;
        private long statusIntervalMillis = STATUS_INTERVAL_MILLIS_DEFAULT;
        private long idleStatusIntervalMillis = IDLE_STATUS_INTERVAL_MILLIS_DEFAULT;
        private long requestFetchDelayMillis = REQUEST_FETCH_DELAY_MILLIS_DEFAULT;
        private long clockSkewMaxMillis = CLOCK_SKEW_MAX_MILLIS_DEFAULT;
        private int retransmitBatchesMax = RETRANSMIT_BATCHES_MAX_DEFAULT;
        private long requestTimeoutMillis = REQUEST_TIMEOUT_MILLIS_DEFAULT;
        private int stateChunkBytes = STATE_CHUNK_BYTES_DEFAULT;
        private int stateFetchChunksMax = STATE_FETCH_CHUNKS_MAX_DEFAULT;
        private SessionSettings sessions = SessionSettings.defaults();

        private Builder() {
        }

        private Builder(ProtocolSettings s) {
            checkpointInterval = s.checkpointInterval;
            logSize = s.logSize;
            batchRequestsMax = s.batchRequestsMax;
            batchBytesMax = s.batchBytesMax;
            inFlightBatchesMax = s.inFlightBatchesMax;
            pipelineBatchMin = s.pipelineBatchMin;
            requestBytesMax = s.requestBytesMax;
            pendingRequestsMax = s.pendingRequestsMax;
            requestsPerClientMax = s.requestsPerClientMax;
            statusIntervalMillis = s.statusIntervalMillis;
            idleStatusIntervalMillis = s.idleStatusIntervalMillis;
            requestFetchDelayMillis = s.requestFetchDelayMillis;
            clockSkewMaxMillis = s.clockSkewMaxMillis;
            retransmitBatchesMax = s.retransmitBatchesMax;
            requestTimeoutMillis = s.requestTimeoutMillis;
            stateChunkBytes = s.stateChunkBytes;
            stateFetchChunksMax = s.stateFetchChunksMax;
            sessions = s.sessions;
        }

        public Builder checkpointInterval(int value) {
            checkpointInterval = value;
            return this;
        }

        public Builder logSize(int value) {
            logSize = value;
            return this;
        }

        public Builder batchRequestsMax(int value) {
            batchRequestsMax = value;
            return this;
        }

        public Builder batchBytesMax(int value) {
            batchBytesMax = value;
            return this;
        }

        public Builder inFlightBatchesMax(int value) {
            inFlightBatchesMax = value;
            return this;
        }

        public Builder pipelineBatchMin(int value) {
            pipelineBatchMin = value;
            return this;
        }

        public Builder requestBytesMax(int value) {
            requestBytesMax = value;
            return this;
        }

        public Builder pendingRequestsMax(int value) {
            pendingRequestsMax = value;
            return this;
        }

        public Builder requestsPerClientMax(int value) {
            requestsPerClientMax = value;
            return this;
        }

        public Builder statusIntervalMillis(long value) {
            statusIntervalMillis = value;
            return this;
        }

        public Builder idleStatusIntervalMillis(long value) {
            idleStatusIntervalMillis = value;
            return this;
        }

        public Builder requestFetchDelayMillis(long value) {
            requestFetchDelayMillis = value;
            return this;
        }

        public Builder clockSkewMaxMillis(long value) {
            clockSkewMaxMillis = value;
            return this;
        }

        public Builder retransmitBatchesMax(int value) {
            retransmitBatchesMax = value;
            return this;
        }

        public Builder requestTimeoutMillis(long value) {
            requestTimeoutMillis = value;
            return this;
        }

        public Builder stateChunkBytes(int value) {
            stateChunkBytes = value;
            return this;
        }

        public Builder stateFetchChunksMax(int value) {
            stateFetchChunksMax = value;
            return this;
        }

        public Builder sessions(SessionSettings value) {
            sessions = value;
            return this;
        }

        public ProtocolSettings build() {
            return new ProtocolSettings(checkpointInterval, logSize, batchRequestsMax, batchBytesMax,
                    inFlightBatchesMax, pipelineBatchMin, requestBytesMax, pendingRequestsMax, requestsPerClientMax,
                    statusIntervalMillis, idleStatusIntervalMillis, requestFetchDelayMillis, clockSkewMaxMillis,
                    retransmitBatchesMax, requestTimeoutMillis, stateChunkBytes, stateFetchChunksMax, sessions);
        }
    }
}
