package io.bastion.bench.matrix;

import io.bastion.bench.LoadBenchmark;

import java.util.ArrayList;
import java.util.List;

/**
 * What the replicas of a matrix entry execute: null operations, or one SQL insert per request with
 * durable (ACID) or unsynchronized commits. Each needs a cluster of its own.
 */
public enum MatrixService {
    /** The null service: the reply is as large as the request asks, nothing is executed. */
    NULL("null", null, List.of()),
    /** One row per request into SQLite, committed durably per batch before any reply leaves. */
    SQL_INSERT_ACID("sql-insert", "acid", List.of("--sql-mode=acid")),
    /** {@code synchronous=OFF}: not crash-safe, for comparison only. */
    SQL_INSERT_NO_ACID("sql-insert", "no-acid", List.of("--sql-mode=no-acid"));

    private final String service;
    private final String sqlMode;
    private final List<String> replicaArguments;

    MatrixService(String service, String sqlMode, List<String> replicaArguments) {
        this.service = service;
        this.sqlMode = sqlMode;
        this.replicaArguments = replicaArguments;
    }

    /** The replicas' {@code --service} (also {@code bastion bench --workload}). */
    public String service() {
        return service;
    }

    /** {@code acid} or {@code no-acid} for SQL, {@code null} for null operations. */
    public String sqlMode() {
        return sqlMode;
    }

    /** As {@code bastion bench} labels its workloads: {@code null}, {@code sql-insert acid}, … */
    public String label() {
        return sqlMode == null ? service : service + " " + sqlMode;
    }

    List<String> replicaArguments() {
        return replicaArguments;
    }

    /** The workload of {@link LoadBenchmark} for this service. */
    LoadBenchmark.Workload workload(String label, List<String> moreArguments, LoadBenchmark.Transport transport) {
        List<String> arguments = new ArrayList<>(replicaArguments);
        arguments.addAll(moreArguments);
        return new LoadBenchmark.Workload(label, service, List.copyOf(arguments), LoadBenchmark.Transport.TLS)
                .over(transport);
    }
}
