package io.bastion.cli;

import io.bastion.threshold.ThresholdAccess;
import io.bastion.threshold.ThresholdService;

import io.bastion.core.session.SessionRequests;
import io.bastion.crypto.StandardSignatureVerifier;
import io.bastion.core.service.CounterService;
import io.bastion.core.service.KeyValueService;
import io.bastion.core.service.NullService;
import io.bastion.core.config.ClusterConfig;
import io.bastion.core.crypto.Signer;
import io.bastion.core.execution.ExecutionEngine;
import io.bastion.core.execution.StateMachine;
import io.bastion.sql.SqlDatabase;
import io.bastion.sql.SqlStateMachine;
import io.bastion.sql.bench.InsertBenchService;

import java.nio.file.Path;

/**
 * The built-in services a replica can run, by the name used on the command line: in-memory ones,
 * and SQL ones whose state is an SQLite database in the replica's data directory (evoting: the
 * e-voting example with its public demo enrollment codes, see docs/evoting.md; it and threshold
 * run with the replica's threshold agent, which {@code ReplicaCommand} builds).
 */
enum Services {
    KV, COUNTER, NULL, SQL_INSERT, EVOTING,
    /** The key-value service with the cluster's threshold cryptography, open to the cluster file's clients. */
    THRESHOLD;

    /** Where in the data directory an SQL service keeps its database. */
    static final String SQL_DIRECTORY = "sql";

    /** The replicated state of replica {@code id}, kept in {@code data} when it is a database. */
    StateMachine create(int id, Signer signer, ClusterConfig config, Path data, SqlDatabase.Mode mode) {
        return create(id, signer, config, data, mode, false);
    }

    /**
     * As above; with {@code lyingReads} (a test-only fault, SQL services only) the replica signs
     * wrong answers to unordered reads ({@link LyingReads}).
     */
    StateMachine create(int id, Signer signer, ClusterConfig config, Path data, SqlDatabase.Mode mode,
                        boolean lyingReads) {
        if (lyingReads && this != SQL_INSERT && this != EVOTING) {
            throw new IllegalArgumentException("--test-fault wrong-reads needs an SQL service (sql-insert, evoting)");
        }
        int chunk = config.settings().stateChunkBytes();
        SessionRequests sessions = SessionRequests.of(config, new StandardSignatureVerifier());
        return switch (this) {
            case KV -> new ExecutionEngine(id, signer, new KeyValueService(), chunk, sessions);
            case COUNTER -> new ExecutionEngine(id, signer, new CounterService(), chunk, sessions);
            case NULL -> new ExecutionEngine(id, signer, new NullService(), chunk, sessions);
            case SQL_INSERT -> {
                SqlStateMachine.requireChunkBytes(chunk);
                yield new SqlStateMachine(id, signer, faulty(new InsertBenchService(), lyingReads),
                        data.resolve(SQL_DIRECTORY), mode, config.settings().checkpointInterval(), sessions);
            }
            case EVOTING, THRESHOLD -> throw new IllegalArgumentException("the " + label() + " service is made with"
                    + " its replica's threshold agent: ReplicaCommand builds it");
        };
    }

    /** The service a {@link #THRESHOLD} replica runs: its replica's agent reads the ledger in it. */
    static ThresholdService thresholdService(ClusterConfig config) {
        return new ThresholdService(config.n(), config.f(), ThresholdAccess.REGISTERED_CLIENTS,
                threshold -> new KeyValueService());
    }

    /** {@code service}, or with {@code lyingReads} the test fault that lies to readers ({@link LyingReads}). */
    static io.bastion.sql.SqlService faulty(io.bastion.sql.SqlService service, boolean lyingReads) {
        return lyingReads ? new LyingReads(service) : service;
    }

    /** The name on the command line. */
    String label() {
        return name().toLowerCase().replace('_', '-');
    }

    static Services parse(String name) {
        for (Services s : values()) {
            if (s.label().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("--service " + name + ": choose one of "
                + java.util.Arrays.stream(values()).map(Services::label).toList());
    }
}
