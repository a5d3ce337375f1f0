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
 * @param inFlightBatchesMax      batches the primary may have proposed but not yet executed
 *                                (the pipeline); requests arriving meanwhile form the next batch
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

    public static final ProtocolSettings DEFAULTS = new ProtocolSettings(
            128, 256, 512, 4 << 20, 2, 1 << 20, 100_000, 4, 100, 1_000, 20, 10_000, 64, 1_000, 64 << 10, 16, SessionSettings.defaults());

    public ProtocolSettings {
        positive(checkpointInterval, "checkpointInterval");
        Check.argument(logSize >= 2 * checkpointInterval && logSize % checkpointInterval == 0,
                "logSize must be a multiple of checkpointInterval and at least twice it, got " + logSize);
        positive(batchRequestsMax, "batchRequestsMax");
        positive(batchBytesMax, "batchBytesMax");
        positive(inFlightBatchesMax, "inFlightBatchesMax");
        Check.argument(inFlightBatchesMax <= logSize, "inFlightBatchesMax must not exceed logSize");
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

    public ProtocolSettings withCheckpointInterval(int k, int logSize) {
        return new ProtocolSettings(k, logSize, batchRequestsMax, batchBytesMax, inFlightBatchesMax, requestBytesMax,
                pendingRequestsMax, requestsPerClientMax, statusIntervalMillis, idleStatusIntervalMillis,
                requestFetchDelayMillis, clockSkewMaxMillis, retransmitBatchesMax, requestTimeoutMillis, stateChunkBytes,
                stateFetchChunksMax, sessions);
    }

    public ProtocolSettings withRequestTimeout(long millis) {
        return new ProtocolSettings(checkpointInterval, logSize, batchRequestsMax, batchBytesMax, inFlightBatchesMax,
                requestBytesMax, pendingRequestsMax, requestsPerClientMax, statusIntervalMillis,
                idleStatusIntervalMillis, requestFetchDelayMillis, clockSkewMaxMillis, retransmitBatchesMax, millis,
                stateChunkBytes, stateFetchChunksMax, sessions);
    }

    public ProtocolSettings withBatching(int batchRequestsMax, int inFlightBatchesMax) {
        return new ProtocolSettings(checkpointInterval, logSize, batchRequestsMax, batchBytesMax, inFlightBatchesMax,
                requestBytesMax, pendingRequestsMax, requestsPerClientMax, statusIntervalMillis,
                idleStatusIntervalMillis, requestFetchDelayMillis, clockSkewMaxMillis, retransmitBatchesMax,
                requestTimeoutMillis, stateChunkBytes, stateFetchChunksMax, sessions);
    }

    public ProtocolSettings withSessions(SessionSettings settings) {
        return new ProtocolSettings(checkpointInterval, logSize, batchRequestsMax, batchBytesMax, inFlightBatchesMax,
                requestBytesMax, pendingRequestsMax, requestsPerClientMax, statusIntervalMillis,
                idleStatusIntervalMillis, requestFetchDelayMillis, clockSkewMaxMillis, retransmitBatchesMax,
                requestTimeoutMillis, stateChunkBytes, stateFetchChunksMax, settings);
    }

    public ProtocolSettings withStateChunkBytes(int bytes) {
        return new ProtocolSettings(checkpointInterval, logSize, batchRequestsMax, batchBytesMax, inFlightBatchesMax,
                requestBytesMax, pendingRequestsMax, requestsPerClientMax, statusIntervalMillis,
                idleStatusIntervalMillis, requestFetchDelayMillis, clockSkewMaxMillis, retransmitBatchesMax,
                requestTimeoutMillis, bytes, stateFetchChunksMax, sessions);
    }
}
