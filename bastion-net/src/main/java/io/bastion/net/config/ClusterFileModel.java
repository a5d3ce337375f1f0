package io.bastion.net.config;

import java.util.List;

/**
 * The cluster file as TOML spells it, before validation: every field is nullable so that a
 * missing one can be reported by name. Jackson binds the file to these records and rejects
 * unknown fields and values of the wrong type.
 */
record ClusterFileModel(Integer f, Protocol protocol, Tls tls, List<Replica> replica, List<Client> client) {

    /** {@code [protocol]}: every field optional, defaults from {@link io.bastion.core.config.ProtocolSettings#DEFAULTS}. */
    record Protocol(
            Integer checkpointInterval,
            Integer logSize,
            Integer batchRequestsMax,
            Integer batchBytesMax,
            Integer inFlightBatchesMax,
            Integer pipelineBatchMin,
            Integer requestBytesMax,
            Integer pendingRequestsMax,
            Integer requestsPerClientMax,
            Long statusIntervalMillis,
            Long idleStatusIntervalMillis,
            Long requestFetchDelayMillis,
            Long clockSkewMaxMillis,
            Integer retransmitBatchesMax,
            Long requestTimeoutMillis,
            Integer stateChunkBytes,
            Integer stateFetchChunksMax,
            Integer sessionsMax,
            Long sessionIdleMillis) {}

    /** {@code [tls]}: optional; {@code ca} is the base64 DER of the cluster CA's certificate. */
    record Tls(String ca) {}

    /** One {@code [[replica]]} table; {@code webPort} and {@code metricsPort} are optional. */
    record Replica(Integer id, String host, Integer replicaPort, Integer clientPort, Integer webPort, Integer metricsPort,
                   String publicKey) {}

    /** One {@code [[client]]} table. */
    record Client(Long id, String publicKey) {}
}
