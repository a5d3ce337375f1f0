package io.bastion.bench;

import io.bastion.core.service.NullService;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Whether faulty clients slow honest ones: the same honest configuration runs without and with
 * attackers, interleaved on the same cluster (baseline, attack, baseline, attack, … one pair per
 * round), so that what drifts over a run (the JIT, the database, the machine's other work) falls
 * on both sides alike. The attackers start before the attack window's warm-up and stop as its
 * measured window ends (the honest clients then finish their last requests). Before the next
 * baseline the replicas must settle: no view change begun or ended for {@link #SETTLE_QUIET_TIMEOUTS}
 * request timeouts and at most f replicas in the middle of one, so that a baseline does not measure
 * the recovery from the attack before it (up to f replicas stuck in a view change of their own are
 * reported, not waited for: the others order without them). What
 * the replicas did ({@link ClusterEvents}) is read over each window, the attack's until they
 * settled, so that view changes the attack's last requests cause are counted with it.
 */
public final class FaultyClientsBenchmark {
    /** Request timeouts without a view change after which the replicas count as settled after an attack. */
    public static final int SETTLE_QUIET_TIMEOUTS = 2;
    /** Longest wait for the replicas to settle after an attack (while view changes go on); the run then goes on and flags it. */
    public static final Duration SETTLE_BOUND = Duration.ofSeconds(60);

    private FaultyClientsBenchmark() {}

    /**
     * Runs {@code rounds} pairs of windows for {@code attack} with {@code faultyClients} attackers,
     * each at most {@code requestsPerSecondMax} requests per second (0: full speed). Stops at the
     * first window whose cluster failed; the result then carries the {@linkplain
     * FaultyClientsResult#failure() failure}.
     */
    public static FaultyClientsResult run(LoadBenchmark bench, BenchConfig config, LoadBenchmark.ClientsKind kind,
                                          Attack attack, int faultyClients, int rounds, long requestsPerSecondMax,
                                          PrintStream log) throws InterruptedException {
        String workload = kind.label(bench.options().workload());
        String label = faultyClients + "x " + attack.flag();
        byte[] operation = NullService.operation(config.requestBytes(), config.replyBytes());
        Duration quiet = Duration.ofMillis(SETTLE_QUIET_TIMEOUTS * bench.options().settings().requestTimeoutMillis());
        ClusterWatch watch = bench.watch();
        List<FaultyClientsResult.Round> done = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            ClusterWatch.Mark mark = watch.mark();
            BenchResult baseline = bench.run(config, kind, null, log);
            ClusterEvents baselineEvents = watch.since(mark);
            if (baseline.failed()) {
                done.add(new FaultyClientsResult.Round(round, baseline, baselineEvents, null, null, null, 0, true,
                        List.of()));
                return FaultyClientsResult.of(workload, attack, faultyClients, requestsPerSecondMax, config, done,
                        baseline.failure());
            }
            mark = watch.mark();
            List<FaultyClient> attackers = bench.startFaultyClients(attack, faultyClients, operation,
                    requestsPerSecondMax);
            LoadBenchmark.Beside beside = new LoadBenchmark.Beside() {
                @Override
                public String label() {
                    return label;
                }

                @Override
                public void windowEnded() {
                    attackers.forEach(FaultyClient::close);
                }
            };
            BenchResult underAttack;
            try {
                underAttack = bench.run(config, kind, beside, log);
            } finally {
                attackers.forEach(FaultyClient::close); // closing again does nothing
            }
            AttackerStats stats = attackers.stream().map(FaultyClient::stats).reduce(AttackerStats::alongside)
                    .orElseThrow();
            ClusterWatch.Settling settled = watch.awaitSettled(quiet, SETTLE_BOUND);
            ClusterEvents attackEvents = watch.since(mark);
            done.add(new FaultyClientsResult.Round(round, baseline, baselineEvents, underAttack, attackEvents, stats,
                    settled.waited().toMillis() / 1e3, settled.settled(), settled.stillChanging()));
            printRound(round, attack, baseline, underAttack, attackEvents, stats, log);
            log.printf("  %s %.1f s after the honest clients' last requests%s%n",
                    settled.settled() ? "settled (no view change for " + quiet.toSeconds() + " s)" : "NOT settled, gave up",
                    settled.waited().toMillis() / 1e3, settled.stillChanging().isEmpty() ? ""
                            : "; replicas " + settled.stillChanging() + " are stuck changing views");
            if (underAttack.failed()) {
                return FaultyClientsResult.of(workload, attack, faultyClients, requestsPerSecondMax, config, done,
                        underAttack.failure());
            }
        }
        FaultyClientsResult result = FaultyClientsResult.of(workload, attack, faultyClients, requestsPerSecondMax,
                config, done, null);
        for (String flag : result.flags()) {
            log.printf("  !! %s: %s%n", attack.flag(), flag);
        }
        return result;
    }

    private static void printRound(int round, Attack attack, BenchResult baseline, BenchResult underAttack,
                                   ClusterEvents events, AttackerStats stats, PrintStream log) {
        log.printf("  round %d, %s: honest %.0f -> %.0f req/s (%.0f %%); attackers sent %.0f frames/s (%d requests"
                        + " signed, %d frames dropped by their own queues), got %d replies (%d refusals) and %d replies"
                        + " for other clients; view changes: %s%n", round, attack.flag(),
                baseline.requestsPerSecond(), underAttack.requestsPerSecond(),
                baseline.requestsPerSecond() == 0 ? 0 : 100 * underAttack.requestsPerSecond()
                        / baseline.requestsPerSecond(), stats.framesPerSecond(), stats.requestsMade(),
                stats.framesDroppedByOwnQueue(), stats.repliesReceived(), stats.refusals(),
                stats.repliesForOtherClients(), events.viewChangeSummary());
        if (!events.rejectedMessages().isEmpty() || !events.droppedMessages().isEmpty()) {
            log.printf("  replicas refused %s, dropped %s%n", nonEmpty(events.rejectedMessages()),
                    nonEmpty(events.droppedMessages()));
        }
    }

    private static String nonEmpty(Map<String, Long> counts) {
        return counts.isEmpty() ? "nothing" : counts.toString();
    }

    /** The comparison of every result, one line per attack, with the broken promises marked. */
    public static void printTable(List<FaultyClientsResult> results, PrintStream out) {
        if (results.isEmpty()) {
            return;
        }
        out.printf("%nfaulty clients (honest throughput should stay >= %.0f %% of the baseline, with no view change):%n",
                100 * FaultyClientsResult.THROUGHPUT_RATIO_MIN);
        out.printf("%-16s %-26s %9s %9s %6s %17s %17s %12s %12s  %s%n", "attack", "honest configuration",
                "base r/s", "attack r/s", "ratio", "p50 base/att ms", "p99 base/att ms", "view change",
                "attacker f/s", "flags");
        for (FaultyClientsResult r : results) {
            String flags = (r.throughputRatio() < FaultyClientsResult.THROUGHPUT_RATIO_MIN ? "BELOW 80% " : "")
                    + (r.viewChangeDuringAttack() ? "VIEW CHANGE " : "")
                    + (r.viewChangeDuringBaseline() ? "(view change in baseline) " : "")
                    + (r.failed() ? "FAILED" : "");
            out.printf("%-16s %-26s %9.0f %9.0f %6.2f %8.2f/%-8.2f %8.2f/%-8.2f %12s %12.0f  %s%n",
                    r.faultyClients() + "x " + r.attack(), r.config().label(), r.baselineRequestsPerSecond(),
                    r.attackRequestsPerSecond(), r.throughputRatio(), r.baselineP50Millis(), r.attackP50Millis(),
                    r.baselineP99Millis(), r.attackP99Millis(), r.viewChangeDuringAttack() ? "YES" : "no",
                    r.attacker() == null ? 0 : r.attacker().framesPerSecond(), flags.strip());
        }
        long flagged = results.stream().filter(r -> !r.flags().isEmpty()).count();
        if (flagged > 0) {
            out.printf("%n!! %d of %d attacks broke a promise (flagged above and in the JSON's faultyClients.flags)%n",
                    flagged, results.size());
            for (FaultyClientsResult r : results) {
                r.flags().forEach(flag -> out.printf("!! %s: %s%n", r.attack(), flag));
            }
        }
    }
}
