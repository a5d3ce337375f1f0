package io.bastion.cli;

import io.bastion.core.quorum.Quorums;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code bastion status} concludes from the replicas' readings: per replica whether it is
 * healthy, and for the cluster whether enough are for ordering to go on. Pure: readings and the
 * time in, verdicts out.
 *
 * <p>A replica is healthy when it answered; is in the cluster's view (the view most replicas that
 * answered report, the higher one on a tie); has executed within {@code maxLag} sequence numbers
 * of the highest last-executed seq any replica reports; and has a mesh connection to at least
 * 2f+1-1 peers, so that it can be part of a quorum. Ordering needs a certificate quorum
 * (2f+1 when n = 3f+1) of healthy replicas; fewer, and the cluster cannot order requests (writes
 * and joins wait) until some come back.
 *
 * @param view            the cluster's view, or -1 when no replica answered
 * @param highestExecuted the highest last-executed seq reported, -1 when no replica answered
 */
record ClusterHealth(Quorums quorums, long maxLag, long view, long highestExecuted, List<Row> rows) {
    /** A certificate expiring sooner than this is flagged (still healthy). */
    static final Duration CERTIFICATE_WARNING = Duration.ofDays(14);

    /** One replica's verdict: {@code state} is a word for the table, {@code problem} why it is not healthy. */
    record Row(ReplicaReading reading, String state, long lag, String problem, String warning) {
        boolean healthy() {
            return problem == null;
        }
    }

    static ClusterHealth of(Quorums quorums, List<ReplicaReading> readings, long maxLag, Instant now) {
        List<ReplicaReading> answered = readings.stream().filter(ReplicaReading::reachable).toList();
        long view = clusterView(answered);
        long highest = answered.stream().mapToLong(ReplicaReading::lastExecuted).max().orElse(-1);
        int peersNeeded = quorums.certificate() - 1;
        List<Row> rows = new ArrayList<>();
        for (ReplicaReading r : readings) {
            String warning = certificateWarning(r.certificateExpires(), now);
            if (!r.reachable()) {
                rows.add(new Row(r, "unreachable", -1, r.error(), warning));
                continue;
            }
            long lag = highest - r.lastExecuted();
            if (r.view() != view) {
                rows.add(new Row(r, "other view", lag, "in view " + r.view() + ", most replicas in view " + view
                        + (r.view() > view ? " (it wants a view change the others do not join)" : " (it is behind)"),
                        warning));
            } else if (lag > maxLag) {
                rows.add(new Row(r, "behind", lag, lag + " sequence numbers behind (more than " + maxLag
                        + "); it is catching up, or cannot", warning));
            } else if (r.peers() != null && r.peers() < peersNeeded) {
                rows.add(new Row(r, "isolated", lag, "connected to " + r.peers() + " of " + (quorums.n() - 1)
                        + " other replicas; a quorum needs " + peersNeeded, warning));
            } else {
                rows.add(new Row(r, "healthy", lag, null, warning));
            }
        }
        return new ClusterHealth(quorums, maxLag, view, highest, List.copyOf(rows));
    }

    /** The view most answering replicas are in; the higher on a tie; -1 when none answered. */
    private static long clusterView(List<ReplicaReading> answered) {
        Map<Long, Integer> counts = new HashMap<>();
        answered.forEach(r -> counts.merge(r.view(), 1, Integer::sum));
        return counts.entrySet().stream()
                .max(Comparator.<Map.Entry<Long, Integer>>comparingInt(Map.Entry::getValue)
                        .thenComparingLong(Map.Entry::getKey))
                .map(Map.Entry::getKey).orElse(-1L);
    }

    private static String certificateWarning(Instant expires, Instant now) {
        if (expires == null || !expires.isBefore(now.plus(CERTIFICATE_WARNING))) {
            return null;
        }
        if (!expires.isAfter(now)) {
            return "its certificate has expired";
        }
        return "its certificate expires in " + Duration.between(now, expires).toHours() + " hours: renew it";
    }

    int healthy() {
        return (int) rows.stream().filter(Row::healthy).count();
    }

    /** Healthy replicas ordering needs: the certificate quorum, 2f+1 when n = 3f+1. */
    int needed() {
        return quorums.certificate();
    }

    /** Whether enough replicas are healthy for the cluster to order requests. */
    boolean ordering() {
        return healthy() >= needed();
    }

    /** The primary of the cluster's view, or -1 when no replica answered. */
    int primary() {
        return view < 0 ? -1 : quorums.primary((int) view);
    }

    /** One line: whether the cluster orders requests, and what to do when it does not. */
    String verdict() {
        int healthy = healthy();
        int n = quorums.n();
        List<Integer> unhealthy = rows.stream().filter(r -> !r.healthy()).map(r -> r.reading().id()).toList();
        if (!ordering()) {
            List<Integer> silent = rows.stream().filter(r -> !r.reading().reachable()).map(r -> r.reading().id())
                    .toList();
            List<Integer> answering = unhealthy.stream().filter(id -> !silent.contains(id)).toList();
            StringBuilder verdict = new StringBuilder("NOT ORDERING: " + healthy + " of " + n
                    + " replicas healthy, and ordering needs " + needed() + " (2f+1, f = " + quorums.f() + ")");
            if (!silent.isEmpty()) {
                int back = Math.max(1, needed() - (n - silent.size()));
                verdict.append(": replicas ").append(silent).append(" do not answer; bring back at least ")
                        .append(back).append(" of them");
            }
            if (!answering.isEmpty()) {
                verdict.append(silent.isEmpty() ? ": " : "; ").append("replicas ").append(answering)
                        .append(" answer but are not healthy (see above)");
            }
            return verdict.append(". Until then writes and joins wait.").toString();
        }
        if (unhealthy.isEmpty()) {
            return "ok: all " + n + " replicas healthy (ordering needs " + needed() + ")";
        }
        int spare = healthy - needed();
        String primaryDown = view >= 0 && unhealthy.contains(primary()) ? "; the primary, replica " + primary()
                + ", is among them: the next request waits for a view change" : "";
        return "ok: " + healthy + " of " + n + " replicas healthy (ordering needs " + needed() + "); replicas "
                + unhealthy + " are not, and " + (spare == 0 ? "one more failure stops ordering"
                : spare + " more may fail before ordering stops") + primaryDown;
    }
}
