package io.bastion.sim;

import io.bastion.core.config.ClusterConfig;
import io.bastion.core.crypto.Signer;
import io.bastion.core.execution.StateMachine;
import io.bastion.core.session.SessionRequests;
import io.bastion.threshold.ThresholdLedger;

import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The state machine simulated replicas execute when a run does not use the built-in counter
 * ({@link Workload}): an SQLite service, say, as {@code bastion replica} would run it. Asked at
 * every boot of every replica — the first one and each restart after a crash — for a state machine
 * over that replica's own {@link Boot#directory()}, which keeps what the previous life wrote (the
 * simulated disk; a wipe empties it).
 *
 * <p>The state machine must be durable by itself ({@link StateMachine#selfDurable()}: the simulator
 * restarts it from what it finds in the directory) and deterministic: no clock, no unseeded
 * randomness, so that a seed replays the run. If the service keeps a threshold ledger, the
 * simulator gives the replica a threshold agent (seeded, as {@link ReplicaThreshold} says) that
 * reads it; the run's options must then ask for threshold cryptography.
 */
@FunctionalInterface
public interface ReplicaService {
    /**
     * What one replica is booting with.
     *
     * @param replicaId the replica
     * @param config    the simulated cluster
     * @param signer    the replica's key, for signing replies
     * @param sessions  the session rules of the cluster (the simulator's signature scheme)
     * @param directory the replica's data directory, created; what it held in an earlier life is there
     */
    record Boot(int replicaId, ClusterConfig config, Signer signer, SessionRequests sessions, Path directory) {}

    /**
     * A booted replica's state.
     *
     * @param stateMachine what the replica executes, durable by itself
     * @param ledger       the threshold ledger as the service last saw it ({@code null} before its
     *                     first request), or {@code null} if the service uses no threshold cryptography
     */
    record Booted(StateMachine stateMachine, Supplier<ThresholdLedger> ledger) {
        public Booted {
            if (!stateMachine.selfDurable()) {
                throw new IllegalArgumentException("a simulated service's state must be durable by itself (the"
                        + " simulator restarts it from its directory)");
            }
        }
    }

    Booted boot(Boot boot);
}
