package io.bastion.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bastion.core.config.ClusterConfig;
import io.bastion.net.config.ClusterFile;
import io.bastion.net.config.InvalidClusterFileException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code bastion status}: every replica's view, progress and certificate, and whether the cluster orders. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Asks every replica of the cluster file at once for its metrics (HTTPS,",
                "trusting the cluster CA of the file or a publicly trusted CA, host names",
                "checked) and prints, per replica: whether it answered, its view and that",
                "view's primary, its last executed seq and stable checkpoint, how far it lags",
                "the furthest replica, its connected peers and when its certificate expires;",
                "then whether the cluster can order requests. The metrics ports are each",
                "[[replica]]'s metricsPort in the cluster file, or --metrics-port.",
                ""},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:at least 2f+1 replicas healthy: the cluster orders requests",
                "1:fewer than 2f+1 healthy: ordering has stopped", "2:could not check (bad input)"})
final class StatusCommand implements Callable<Integer> {
    static final int ORDERING = 0;
    static final int NOT_ORDERING = 1;
    static final int CANNOT_CHECK = 2;

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--config", required = true, description = "The cluster file (TOML).")
    Path config;

    @Option(names = "--metrics-port", paramLabel = "PORT[,PORT...]", split = ",",
            description = "The replicas' metrics ports: one for all (each on its own host), or one per replica in id"
                    + " order. Default: each replica's metricsPort in the cluster file.")
    List<Integer> metricsPorts;

    @Option(names = "--timeout", defaultValue = "PT2S",
            description = "Wait this long for all answers, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--max-lag", paramLabel = "SEQS",
            description = "A replica further behind than this is not healthy (default: the checkpoint interval).")
    Long maxLag;

    @Option(names = "--json", description = "Print JSON instead of the table.")
    boolean json;

    @Option(names = "--insecure-plaintext",
            description = "Read metrics over plain HTTP, for replicas run with --insecure-plaintext metrics.")
    boolean insecurePlaintext;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ClusterFile.Contents contents;
        List<MetricsProbe.Target> targets;
        try {
            contents = ClusterFile.loadContents(config);
            targets = targets(contents);
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("--timeout must be positive, got " + timeout);
            }
            if (maxLag != null && maxLag < 0) {
                throw new IllegalArgumentException("--max-lag must be at least 0, got " + maxLag);
            }
        } catch (InvalidClusterFileException | IllegalArgumentException e) {
            err.println("bastion status: " + e.getMessage());
            err.flush();
            return CANNOT_CHECK;
        }
        ClusterConfig cluster = contents.config();
        MetricsProbe probe = new MetricsProbe(contents.authorities(), insecurePlaintext, timeout, Clock.systemUTC());
        List<ReplicaReading> readings = probe.readAll(targets);
        long lagBound = maxLag != null ? maxLag : cluster.settings().checkpointInterval();
        Instant now = Instant.now();
        ClusterHealth health = ClusterHealth.of(cluster.quorums(), readings, lagBound, now);
        out.print(json ? json(health, now) : table(health, now));
        out.flush();
        return health.ordering() ? ORDERING : NOT_ORDERING;
    }

    /** Where each replica's metrics are: --metrics-port, else the cluster file's metricsPort. */
    private List<MetricsProbe.Target> targets(ClusterFile.Contents contents) {
        ClusterConfig cluster = contents.config();
        int n = cluster.n();
        if (metricsPorts != null && metricsPorts.size() != 1 && metricsPorts.size() != n) {
            throw new IllegalArgumentException("--metrics-port: give one port for every replica, or " + n
                    + " (one per replica), not " + metricsPorts.size());
        }
        List<MetricsProbe.Target> targets = new ArrayList<>();
        List<Integer> missing = new ArrayList<>();
        for (int id = 0; id < n; id++) {
            int port = metricsPorts == null ? contents.metricsPort(id)
                    : metricsPorts.get(metricsPorts.size() == 1 ? 0 : id);
            if (port < 1 || port > 65_535) {
                if (metricsPorts != null) {
                    throw new IllegalArgumentException("--metrics-port must be in 1..65535, got " + port);
                }
                missing.add(id);
            }
            targets.add(new MetricsProbe.Target(id, cluster.replica(id).host(), port));
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(config + " gives no metricsPort for replicas " + missing
                    + ": add metricsPort = <port> to their [[replica]] tables (the port each replica serves"
                    + " with --metrics-port), or give --metrics-port PORT");
        }
        return targets;
    }

    static String table(ClusterHealth health, Instant now) {
        StringBuilder text = new StringBuilder();
        var q = health.quorums();
        text.append(String.format("n = %d, f = %d; view %s; highest executed seq %s%n", q.n(), q.f(),
                health.view() < 0 ? "?" : health.view() + " (primary " + health.primary() + ")",
                health.highestExecuted() < 0 ? "?" : Long.toString(health.highestExecuted())));
        String format = "%-8s %-22s %-11s %5s %8s %9s %9s %6s %6s  %s%n";
        text.append(String.format(format, "replica", "metrics", "state", "view", "primary", "executed", "stable",
                "lag", "peers", "certificate expires"));
        List<String> notes = new ArrayList<>();
        for (ClusterHealth.Row row : health.rows()) {
            ReplicaReading r = row.reading();
            boolean up = r.reachable();
            text.append(String.format(format, r.id(), r.endpoint(), row.state(),
                    up ? Long.toString(r.view()) : "-", up ? Integer.toString(q.primary((int) r.view())) : "-",
                    up ? Long.toString(r.lastExecuted()) : "-", up ? Long.toString(r.lastStable()) : "-",
                    up ? Long.toString(row.lag()) : "-",
                    up && r.peers() != null ? r.peers() + "/" + (q.n() - 1) : "-", expiry(r.certificateExpires(), now)));
            if (row.problem() != null) {
                notes.add("replica " + r.id() + ": " + row.problem());
            }
            if (row.warning() != null) {
                notes.add("replica " + r.id() + ": " + row.warning());
            }
        }
        notes.forEach(note -> text.append(note).append(System.lineSeparator()));
        text.append(health.verdict()).append(System.lineSeparator());
        return text.toString();
    }

    private static String expiry(Instant expires, Instant now) {
        if (expires == null) {
            return "-";
        }
        long days = Duration.between(now, expires).toDays();
        return DAY.format(expires) + (expires.isAfter(now) ? " (" + days + " days)" : " (EXPIRED)");
    }

    static String json(ClusterHealth health, Instant now) {
        var q = health.quorums();
        ObjectNode root = JSON.createObjectNode()
                .put("n", q.n()).put("f", q.f()).put("needed", health.needed()).put("healthy", health.healthy())
                .put("ordering", health.ordering()).put("view", health.view()).put("primary", health.primary())
                .put("highestExecuted", health.highestExecuted()).put("maxLag", health.maxLag())
                .put("verdict", health.verdict());
        ArrayNode replicas = root.putArray("replicas");
        for (ClusterHealth.Row row : health.rows()) {
            ReplicaReading r = row.reading();
            ObjectNode entry = replicas.addObject().put("id", r.id()).put("metrics", r.endpoint())
                    .put("reachable", r.reachable()).put("healthy", row.healthy()).put("state", row.state());
            if (r.reachable()) {
                entry.put("view", r.view()).put("primary", q.primary((int) r.view()))
                        .put("lastExecuted", r.lastExecuted()).put("stableCheckpoint", r.lastStable())
                        .put("lag", row.lag());
                if (r.peers() != null) {
                    entry.put("peers", r.peers());
                }
            }
            if (r.certificateExpires() != null) {
                entry.put("certificateExpires", r.certificateExpires().toString())
                        .put("certificateDaysLeft", Duration.between(now, r.certificateExpires()).toDays());
            }
            entry.put("problem", row.problem()).put("warning", row.warning());
        }
        try {
            return JSON.writeValueAsString(root) + System.lineSeparator();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers always serializes", e);
        }
    }
}
