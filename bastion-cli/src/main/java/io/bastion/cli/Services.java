package io.bastion.cli;

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
 * and SQL ones whose state is an SQLite database in the replica's data directory.
 */
enum Services {
    KV, COUNTER, NULL, SQL_INSERT;

    /** Where in the data directory an SQL service keeps its database. */
    static final String SQL_DIRECTORY = "sql";

    /** The replicated state of replica {@code id}, kept in {@code data} when it is a database. */
    StateMachine create(int id, Signer signer, ClusterConfig config, Path data, SqlDatabase.Mode mode) {
        int chunk = config.settings().stateChunkBytes();
        SessionRequests sessions = SessionRequests.of(config, new StandardSignatureVerifier());
        return switch (this) {
            case KV -> new ExecutionEngine(id, signer, new KeyValueService(), chunk, sessions);
            case COUNTER -> new ExecutionEngine(id, signer, new CounterService(), chunk, sessions);
            case NULL -> new ExecutionEngine(id, signer, new NullService(), chunk, sessions);
            case SQL_INSERT -> new SqlStateMachine(id, signer, new InsertBenchService(), data.resolve(SQL_DIRECTORY), mode,
                    config.settings().checkpointInterval(), sessions);
        };
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
