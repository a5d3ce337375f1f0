package io.bastion.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * Honest clients' figures without and with attackers, for one attack and configuration: the
 * rounds as measured, their means, and what the design promises checked against them — honest
 * throughput under attack at least {@link #THROUGHPUT_RATIO_MIN} of the baseline and no view
 * change. A broken promise is {@linkplain #flags() flagged}, not failed: it is a finding about
 * Bastion, while {@link #failure} says the cluster itself failed (the run stops there).
 *
 * @param workload                  what the replicas ran (the baseline rows' label)
 * @param attack                    the attack's command-line spelling
 * @param faultyClients             attackers at once
 * @param attackRequestsPerSecondMax each attacker's cap (0: full speed)
 * @param config                    the honest configuration
 * @param rounds                    each baseline window and the attack window after it
 * @param baselineRequestsPerSecond honest throughput without attackers, mean of the rounds
 * @param attackRequestsPerSecond   honest throughput with them, mean of the rounds
 * @param throughputRatio           the second over the first
 * @param baselineP50Millis         honest p50 latency without attackers, mean of the rounds
 * @param attackP50Millis           with them
 * @param baselineP99Millis         honest p99 latency without attackers, mean of the rounds
 * @param attackP99Millis           with them
 * @param viewChangeDuringAttack    a replica began or completed a view change while attackers ran (or
 *                                  within one request timeout after they stopped)
 * @param viewChangeDuringBaseline  one did in a window without attackers
 * @param attacker                  what the attackers did, over all rounds
 * @param rejectedMessages          replicas' refusals during the attack windows, by reason
 * @param droppedMessages           replicas' drops during the attack windows, by reason
 * @param flags                     the promises broken, in words (empty when all held)
 * @param failure                   why the cluster failed in one of the windows, or {@code null}
 */
public record FaultyClientsResult(String workload, String attack, int faultyClients, long attackRequestsPerSecondMax,
                                  BenchConfig config, List<Round> rounds, double baselineRequestsPerSecond,
                                  double attackRequestsPerSecond, double throughputRatio, double baselineP50Millis,
                                  double attackP50Millis, double baselineP99Millis, double attackP99Millis,
                                  boolean viewChangeDuringAttack, boolean viewChangeDuringBaseline,
                                  AttackerStats attacker, Map<String, Long> rejectedMessages,
                                  Map<String, Long> droppedMessages, List<String> flags, String failure) {
    /** The least share of their baseline throughput honest clients should keep under attack. */
    public static final double THROUGHPUT_RATIO_MIN = 0.8;

    /**
     * One round: a window without attackers, then one with them, on the same cluster.
     * {@code underAttack}, {@code attackEvents} and {@code attacker} are {@code null} when the
     * baseline window failed. {@code settleSeconds}: from the honest clients' last request of the
     * attack window until the replicas had gone {@link FaultyClientsBenchmark#SETTLE_QUIET_TIMEOUTS}
     * request timeouts without beginning or ending a view change, with at most f of them in the
     * middle of one (that quiet time included), or until {@link FaultyClientsBenchmark#SETTLE_BOUND}
     * ({@code settled} false); {@code replicasStuckChangingViews}: the replicas still in the middle
     * of a view change then.
     */
    public record Round(int round, BenchResult baseline, ClusterEvents baselineEvents, BenchResult underAttack,
                        ClusterEvents attackEvents, AttackerStats attacker, double settleSeconds, boolean settled,
                        List<Integer> replicasStuckChangingViews) {
        boolean complete() {
            return underAttack != null;
        }
    }

    /** The summary of {@code rounds}; {@code failure} as the last window reported it, or {@code null}. */
    static FaultyClientsResult of(String workload, Attack attack, int faultyClients, long rateMax, BenchConfig config,
                                  List<Round> rounds, String failure) {
        List<Round> complete = rounds.stream().filter(Round::complete).toList();
        double baseline = mean(complete, r -> r.baseline().requestsPerSecond());
        double underAttack = mean(complete, r -> r.underAttack().requestsPerSecond());
        double ratio = baseline == 0 ? 0 : underAttack / baseline;
        boolean attackViewChange = complete.stream().anyMatch(r -> r.attackEvents().viewChanged());
        boolean baselineViewChange = rounds.stream().anyMatch(r -> r.baselineEvents().viewChanged());
        AttackerStats attacker = complete.stream().map(Round::attacker).reduce(AttackerStats::after).orElse(null);
        Map<String, Long> rejected = new TreeMap<>();
        Map<String, Long> dropped = new TreeMap<>();
        for (Round r : complete) {
            r.attackEvents().rejectedMessages().forEach((reason, count) -> rejected.merge(reason, count, Long::sum));
            r.attackEvents().droppedMessages().forEach((reason, count) -> dropped.merge(reason, count, Long::sum));
        }
        List<String> flags = new ArrayList<>();
        if (!complete.isEmpty() && ratio < THROUGHPUT_RATIO_MIN) {
            flags.add(String.format("honest throughput under attack is %.0f %% of the baseline (below %.0f %%)",
                    100 * ratio, 100 * THROUGHPUT_RATIO_MIN));
        }
        for (Round r : complete) {
            if (r.underAttack().requests() == 0) {
                flags.add("round " + r.round() + ": no honest request completed in the window under attack");
            }
            if (!r.settled()) {
                flags.add("round " + r.round() + ": the replicas had not settled "
                        + FaultyClientsBenchmark.SETTLE_BOUND.toSeconds() + " s after the attack (view changes"
                        + " went on, or more than f replicas were in the middle of one)");
            }
            if (!r.replicasStuckChangingViews().isEmpty()) {
                flags.add("round " + r.round() + ": replicas " + r.replicasStuckChangingViews() + " were stuck in a"
                        + " view change after the attack (out of the agreement until the others change views too)");
            }
            if (r.attackEvents().viewChanged()) {
                flags.add("round " + r.round() + ": view change during the attack: "
                        + r.attackEvents().viewChangeSummary());
            }
        }
        for (Round r : rounds) {
            if (r.baselineEvents().viewChanged()) {
                flags.add("round " + r.round() + ": view change in the baseline window (without attackers): "
                        + r.baselineEvents().viewChangeSummary());
            }
        }
        return new FaultyClientsResult(workload, attack.flag(), faultyClients, rateMax, config, List.copyOf(rounds),
                baseline, underAttack, ratio, mean(complete, r -> r.baseline().p50Millis()),
                mean(complete, r -> r.underAttack().p50Millis()), mean(complete, r -> r.baseline().p99Millis()),
                mean(complete, r -> r.underAttack().p99Millis()), attackViewChange, baselineViewChange, attacker,
                rejected, dropped, List.copyOf(flags), failure);
    }

    private static double mean(List<Round> rounds, ToDoubleFunction<Round> value) {
        return rounds.stream().mapToDouble(value).average().orElse(0);
    }

    /** Whether the cluster failed in one of the windows. */
    public boolean failed() {
        return failure != null;
    }
}
