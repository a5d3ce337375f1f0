package io.bastion.bench;

import java.util.List;
import java.util.Map;

/**
 * What the replicas of a local cluster did during one window of a benchmark, as {@link ClusterWatch}
 * read it from their logs and metrics.
 *
 * @param viewChangeLines       log lines "changing to view" of all replicas (a replica that suspects
 *                              the primary logs one per view it moves to)
 * @param viewChangeLog         the first of those lines, each prefixed with its replica
 * @param viewBefore            the highest view a replica was in at the start, or -1 without metrics
 * @param viewAfter             likewise at the end
 * @param viewChangesCompleted  the most view changes one replica completed in the window
 *                              ({@code bastion_view_changes_total}), or -1 without metrics
 * @param rejectedMessages      messages refused before the protocol core, by reason, summed over the
 *                              replicas ({@code bastion_rejected_messages_total}; reasons that did not
 *                              grow are left out)
 * @param droppedMessages       messages discarded instead of queued or sent, by reason, likewise
 * @param rejectedFrames        connections closed for a bad frame or a time limit, by reason, likewise
 * @param warningLines          log lines at level WARN of all replicas
 * @param errorLines            log lines at level ERROR of all replicas
 * @param problemLog            the first WARN and ERROR lines, each prefixed with its replica
 * @param metricsRead           replicas whose metrics were read at both ends of the window
 */
public record ClusterEvents(int viewChangeLines, List<String> viewChangeLog, long viewBefore, long viewAfter,
                            long viewChangesCompleted, Map<String, Long> rejectedMessages,
                            Map<String, Long> droppedMessages, Map<String, Long> rejectedFrames, int warningLines,
                            int errorLines, List<String> problemLog, int metricsRead) {
    /** Whether a replica began or completed a view change, or the view moved. */
    public boolean viewChanged() {
        return viewChangeLines > 0 || viewChangesCompleted > 0 || viewAfter > viewBefore;
    }

    /** In a few words, for a table: "none", or what was seen. */
    public String viewChangeSummary() {
        if (!viewChanged()) {
            return "none";
        }
        String completed = viewChangesCompleted > 0 ? ", " + viewChangesCompleted + " completed" : "";
        String views = viewBefore >= 0 ? ", view " + viewBefore + " -> " + viewAfter : "";
        return viewChangeLines + " 'changing to view' lines" + completed + views;
    }
}
