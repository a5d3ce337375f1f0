package io.bastion.cli;

import java.time.Instant;

/**
 * What {@code bastion status} read from one replica's metrics port: either the values, or why
 * there are none. Sequence numbers and the view are the replica's own gauges
 * ({@code bastion_view}, {@code bastion_last_executed_seq}, {@code bastion_last_stable_seq},
 * {@code bastion_peers_connected}).
 *
 * @param endpoint           host:port asked
 * @param error              why nothing was read, or {@code null} when the replica answered
 * @param peers              other replicas it has a mesh connection to, or {@code null} when it does
 *                           not say (a replica from before that metric)
 * @param certificateExpires when the certificate its metrics port presented expires, or
 *                           {@code null} (plaintext, or no TLS handshake got that far)
 */
record ReplicaReading(int id, String endpoint, String error, long view, long lastExecuted, long lastStable, Long peers,
                      Instant certificateExpires) {

    static ReplicaReading answered(int id, String endpoint, long view, long lastExecuted, long lastStable, Long peers,
                                   Instant certificateExpires) {
        return new ReplicaReading(id, endpoint, null, view, lastExecuted, lastStable, peers, certificateExpires);
    }

    static ReplicaReading unreachable(int id, String endpoint, String error, Instant certificateExpires) {
        return new ReplicaReading(id, endpoint, error, 0, 0, 0, null, certificateExpires);
    }

    boolean reachable() {
        return error == null;
    }
}
