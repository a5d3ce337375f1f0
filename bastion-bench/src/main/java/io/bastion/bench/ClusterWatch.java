package io.bastion.bench;

import io.bastion.server.local.LocalCluster;
import io.bastion.server.observe.StandardMetrics;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads what the replicas of a local cluster did during a window: {@link #mark()} notes where each
 * replica's log ends and scrapes its metrics; {@link #since} reads the log lines written since and
 * scrapes again ({@link ClusterEvents}). Metrics come from each replica's Prometheus endpoint
 * ({@code --metrics-port}) when it has one, over HTTPS trusting the cluster's CA certificate when
 * one is given (replicas that serve their metrics with TLS), else over HTTP; without metrics, views
 * and drop counts are unknown and the log lines still tell of view changes. Cheap: a few KiB of
 * log and one request per replica at each end. Not thread-safe; one window at a time.
 */
final class ClusterWatch {
    /** What a replica logs when it starts a view change (and when it moves on to a later view). */
    static final String VIEW_CHANGE_LINE = "changing to view";
    /** What a replica logs when a view change ended and it works in the new view. */
    static final String VIEW_ENTERED_LINE = " entered view ";
    /** How often {@link #awaitSettled} reads the logs. */
    static final Duration SETTLE_POLL = Duration.ofMillis(100);
    /** Lines quoted in {@link ClusterEvents} per kind. */
    static final int QUOTED_LINES_MAX = 8;
    /** Most bytes of one replica's log read per window (a log that grows faster is read in part). */
    static final int LOG_BYTES_MAX = 8 << 20;
    static final String VIEW = "bastion_view";
    static final String VIEW_CHANGES = "bastion_view_changes_total";
    static final String REJECTED_MESSAGES = "bastion_rejected_messages_total";
    static final String DROPPED_MESSAGES = "bastion_dropped_messages_total";
    static final String REJECTED_FRAMES = "bastion_rejected_frames_total";
    static final String REQUESTS_EXECUTED = StandardMetrics.REQUESTS_EXECUTED;
    static final String BATCHES_EXECUTED = StandardMetrics.BATCHES_EXECUTED;
    private static final Duration SCRAPE_TIMEOUT = Duration.ofSeconds(5);

    /** Where the replicas stood at the start of a window: log lengths, and metrics (null where unread). */
    record Mark(long[] logBytes, List<Map<String, Double>> metrics) {}

    private final LocalCluster cluster;
    /** Each replica's metrics port, or {@code null} when the replicas serve none. */
    private final int[] metricsPorts;
    /** The CA the metrics ports' certificates chain to, or {@code null}: they speak plain HTTP. */
    private final Path caCertificate;

    ClusterWatch(LocalCluster cluster, int[] metricsPorts) {
        this(cluster, metricsPorts, null);
    }

    /** @param caCertificate PEM certificates the metrics ports' TLS certificates chain to, or {@code null} for HTTP */
    ClusterWatch(LocalCluster cluster, int[] metricsPorts, Path caCertificate) {
        this.cluster = cluster;
        this.metricsPorts = metricsPorts == null ? null : metricsPorts.clone();
        this.caCertificate = caCertificate;
    }

    Mark mark() {
        int n = cluster.config().n();
        long[] logBytes = new long[n];
        List<Map<String, Double>> metrics = new ArrayList<>();
        for (int id = 0; id < n; id++) {
            logBytes[id] = logLength(cluster.logOf(id));
            metrics.add(scrape(id));
        }
        return new Mark(logBytes, metrics);
    }

    /** Reads every live replica's metrics and forgets them: a warm-up's read, so that the measured window's are not the first. */
    void scrapeAll() {
        for (int id = 0; id < cluster.config().n(); id++) {
            scrape(id);
        }
    }

    ClusterEvents since(Mark mark) {
        int n = cluster.config().n();
        int viewChangeLines = 0;
        int warnings = 0;
        int errors = 0;
        List<String> viewChangeLog = new ArrayList<>();
        List<String> problemLog = new ArrayList<>();
        for (int id = 0; id < n; id++) {
            for (String line : linesSince(cluster.logOf(id), mark.logBytes()[id])) {
                if (line.contains(VIEW_CHANGE_LINE)) {
                    viewChangeLines++;
                    quote(viewChangeLog, id, line);
                } else if (line.contains(" WARN ") || line.contains(" ERROR ")) {
                    if (line.contains(" WARN ")) {
                        warnings++;
                    } else {
                        errors++;
                    }
                    quote(problemLog, id, line);
                }
            }
        }
        long viewBefore = -1;
        long viewAfter = -1;
        long viewChanges = -1;
        int metricsRead = 0;
        Map<String, Long> rejected = new TreeMap<>();
        Map<String, Long> dropped = new TreeMap<>();
        Map<String, Long> frames = new TreeMap<>();
        for (int id = 0; id < n; id++) {
            Map<String, Double> before = mark.metrics().get(id);
            Map<String, Double> after = before == null ? null : scrape(id);
            if (after == null) {
                continue;
            }
            metricsRead++;
            viewBefore = Math.max(viewBefore, value(before, VIEW));
            viewAfter = Math.max(viewAfter, value(after, VIEW));
            viewChanges = Math.max(viewChanges, value(after, VIEW_CHANGES) - value(before, VIEW_CHANGES));
            addByReason(rejected, REJECTED_MESSAGES, before, after);
            addByReason(dropped, DROPPED_MESSAGES, before, after);
            addByReason(frames, REJECTED_FRAMES, before, after);
        }
        return new ClusterEvents(viewChangeLines, List.copyOf(viewChangeLog), viewBefore, viewAfter, viewChanges,
                rejected, dropped, frames, warnings, errors, List.copyOf(problemLog), metricsRead);
    }

    /** Requests and batches executed in a window: the most any replica whose metrics were read executed. */
    record Executed(long requests, long batches) {
        /** Requests per batch, or 0 when no batch was executed. */
        double requestsPerBatch() {
            return batches == 0 ? 0 : (double) requests / batches;
        }
    }

    /** What the replicas executed since {@code mark}, or {@code null} when no replica's metrics were read at both ends. */
    Executed executedSince(Mark mark) {
        List<Map<String, Double>> after = new ArrayList<>();
        for (int id = 0; id < cluster.config().n(); id++) {
            after.add(mark.metrics().get(id) == null ? null : scrape(id));
        }
        return mostExecuted(mark.metrics(), after);
    }

    /**
     * Of the replicas whose metrics were read at both ends ({@code null} where not), the one that
     * executed the most batches in between, with its requests; {@code null} when there is none.
     */
    static Executed mostExecuted(List<Map<String, Double>> before, List<Map<String, Double>> after) {
        Executed most = null;
        for (int id = 0; id < before.size(); id++) {
            if (before.get(id) == null || after.get(id) == null) {
                continue;
            }
            long batches = value(after.get(id), BATCHES_EXECUTED) - value(before.get(id), BATCHES_EXECUTED);
            if (most == null || batches > most.batches()) {
                most = new Executed(value(after.get(id), REQUESTS_EXECUTED) - value(before.get(id), REQUESTS_EXECUTED),
                        batches);
            }
        }
        return most;
    }

    /**
     * How a wait for the replicas to settle ended: after {@code waited}, settled or not (the bound
     * ran out first), with the replicas whose last view line says they are still changing views
     * (when settled, at most f: a replica that suspects the primary alone cannot complete a view
     * change, and is out of the agreement until the others move too).
     */
    record Settling(Duration waited, boolean settled, List<Integer> stillChanging) {}

    /**
     * Waits until no replica began or ended a view change for {@code quiet} and at most f replicas
     * are in the middle of one (so that at least 2f+1 work in a view and can order requests), at
     * most {@code bound}.
     */
    Settling awaitSettled(Duration quiet, Duration bound) throws InterruptedException {
        int n = cluster.config().n();
        LogTail[] tails = new LogTail[n];
        String[] lastViewLine = new String[n];
        for (int id = 0; id < n; id++) {
            Path log = cluster.logOf(id);
            tails[id] = new LogTail(log, Math.max(0, logLength(log) - LOG_BYTES_MAX));
            lastViewLine[id] = lastViewLine(tails[id].newLines(), null);
        }
        long start = System.nanoTime();
        long lastChange = start;
        while (true) {
            Thread.sleep(SETTLE_POLL.toMillis());
            long now = System.nanoTime();
            List<Integer> changing = new ArrayList<>();
            for (int id = 0; id < n; id++) {
                String last = lastViewLine(tails[id].newLines(), lastViewLine[id]);
                if (last != null && !last.equals(lastViewLine[id])) {
                    lastChange = now;
                }
                lastViewLine[id] = last;
                if (last != null && last.contains(VIEW_CHANGE_LINE)) {
                    changing.add(id);
                }
            }
            boolean settled = now - lastChange >= quiet.toNanos() && changing.size() <= cluster.config().f();
            if (settled || now - start >= bound.toNanos()) {
                return new Settling(Duration.ofNanos(now - start), settled, List.copyOf(changing));
            }
        }
    }

    /** The last view line among {@code lines}, or {@code previous} if there is none. */
    private static String lastViewLine(List<String> lines, String previous) {
        String last = previous;
        for (String line : lines) {
            last = isViewLine(line) ? line : last;
        }
        return last;
    }

    /** The lines appended to one log since the last read, complete lines only. Not thread-safe. */
    static final class LogTail {
        private final Path log;
        private long offset;

        LogTail(Path log, long offset) {
            this.log = log;
            this.offset = offset;
        }

        List<String> newLines() {
            try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
                long length = file.length();
                if (length <= offset) {
                    return List.of();
                }
                byte[] bytes = new byte[(int) Math.min(length - offset, LOG_BYTES_MAX)];
                file.seek(offset);
                file.readFully(bytes);
                int end = bytes.length;
                while (end > 0 && bytes[end - 1] != '\n') {
                    end--; // a line still being written waits for the next read
                }
                if (end == 0 && bytes.length < LOG_BYTES_MAX) {
                    return List.of();
                }
                end = end == 0 ? bytes.length : end;
                offset += end;
                return new String(bytes, 0, end, StandardCharsets.UTF_8).lines().toList();
            } catch (IOException e) {
                return List.of(); // not written yet
            }
        }
    }

    private static boolean isViewLine(String line) {
        return line.contains(VIEW_CHANGE_LINE) || line.contains(VIEW_ENTERED_LINE);
    }

    private static void quote(List<String> quoted, int replica, String line) {
        if (quoted.size() < QUOTED_LINES_MAX) {
            quoted.add("replica " + replica + ": " + line.strip());
        }
    }

    private static long logLength(Path log) {
        try {
            return Files.exists(log) ? Files.size(log) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** The lines appended to {@code log} after its first {@code from} bytes (at most {@link #LOG_BYTES_MAX}). */
    static List<String> linesSince(Path log, long from) {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long length = file.length();
            if (length <= from) {
                return List.of();
            }
            byte[] bytes = new byte[(int) Math.min(length - from, LOG_BYTES_MAX)];
            file.seek(from);
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Replica {@code id}'s metrics by series, or {@code null} if it serves none or cannot be reached. */
    private Map<String, Double> scrape(int id) {
        if (metricsPorts == null || !cluster.isAlive(id)) {
            return null;
        }
        String host = cluster.config().replica(id).host();
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(SCRAPE_TIMEOUT);
        try {
            if (caCertificate != null) {
                builder.sslContext(trusting(caCertificate));
            }
        } catch (IOException | GeneralSecurityException e) {
            return null;
        }
        String scheme = caCertificate != null ? "https" : "http";
        try (HttpClient http = builder.build()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                            URI.create(scheme + "://" + host + ":" + metricsPorts[id] + "/metrics")).timeout(SCRAPE_TIMEOUT)
                    .build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? parse(response.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** TLS that trusts the certificates in the PEM file {@code authorities} only. */
    private static SSLContext trusting(Path authorities) throws IOException, GeneralSecurityException {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        try (InputStream in = Files.newInputStream(authorities)) {
            int i = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trusted.setCertificateEntry("authority-" + i++, certificate);
            }
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    /** Prometheus text exposition as series ({@code name{labels}}) to value; comments and odd lines are skipped. */
    static Map<String, Double> parse(String exposition) {
        Map<String, Double> series = new HashMap<>();
        for (String line : exposition.split("\n")) {
            int space = line.lastIndexOf(' ');
            if (line.isBlank() || line.startsWith("#") || space <= 0) {
                continue;
            }
            try {
                series.put(line.substring(0, space).strip(), Double.parseDouble(line.substring(space + 1).strip()));
            } catch (NumberFormatException e) {
                // +Inf and the like: not a count we read
            }
        }
        return series;
    }

    private static long value(Map<String, Double> metrics, String series) {
        return metrics.getOrDefault(series, 0.0).longValue();
    }

    /** Adds what each {@code family{reason="…"}} series grew by to {@code sums}, leaving out what did not grow. */
    static void addByReason(Map<String, Long> sums, String family, Map<String, Double> before,
                            Map<String, Double> after) {
        String prefix = family + "{reason=\"";
        for (Map.Entry<String, Double> series : after.entrySet()) {
            String key = series.getKey();
            if (!key.startsWith(prefix) || !key.endsWith("\"}")) {
                continue;
            }
            long grown = series.getValue().longValue() - before.getOrDefault(key, 0.0).longValue();
            if (grown > 0) {
                sums.merge(key.substring(prefix.length(), key.length() - 2), grown, Long::sum);
            }
        }
    }
}
