package io.bastion.bench.matrix;

import io.bastion.bench.BenchConfig;
import io.bastion.bench.LoadBenchmark.ClientsKind;
import io.bastion.core.util.Check;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One configuration of a matrix: what the cluster runs ({@link #cluster()}) and the load offered
 * to it ({@link #config()}, by {@code clientsKind} clients).
 */
public record MatrixEntry(Figure figure, ClientAuthentication authentication, Batching batching, MatrixService service,
                          ClientsKind clientsKind, int requestBytes, int replyBytes, int clients) {
    public MatrixEntry {
        Check.argument(figure != null && authentication != null && batching != null && service != null
                && clientsKind != null, "every dimension of a matrix entry must be set");
        new BenchConfig(clients, requestBytes, replyBytes); // checks the numbers
    }

    /** The cluster this entry needs; entries with equal setups share one. */
    public ClusterSetup cluster() {
        return new ClusterSetup(authentication, batching, service);
    }

    /** The load, as {@code bastion bench} runs it on a cluster. */
    public BenchConfig config() {
        return new BenchConfig(clients, requestBytes, replyBytes);
    }

    /** The clients kind as spelled on the command line: {@code static} or {@code dynamic}. */
    public String clientsKindFlag() {
        return clientsKind.name().toLowerCase(Locale.ROOT);
    }

    /**
     * The entry's dimensions by name, as {@code --matrix-filter} and the JSON spell them;
     * {@code sql-mode} only for SQL services.
     */
    public Map<String, String> parameters() {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("figure", figure.flag());
        parameters.put("authentication", authentication.flag());
        parameters.put("batching", batching.flag());
        parameters.put("workload", service.service());
        if (service.sqlMode() != null) {
            parameters.put("sql-mode", service.sqlMode());
        }
        parameters.put("clients-kind", clientsKindFlag());
        parameters.put("request-bytes", Integer.toString(requestBytes));
        parameters.put("reply-bytes", Integer.toString(replyBytes));
        parameters.put("clients", Integer.toString(clients));
        return parameters;
    }

    /**
     * E.g. {@code Table 1: null, signed, batching on, static clients, 256/0 B, 12 clients}.
     */
    public String description() {
        return figure.title() + ": " + service.label() + ", " + authentication.flag() + ", batching " + batching.flag()
                + ", " + clientsKindFlag() + " clients, " + requestBytes + "/" + replyBytes + " B, " + clients
                + (clients == 1 ? " client" : " clients");
    }
}
