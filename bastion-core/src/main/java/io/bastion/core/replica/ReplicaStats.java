package io.bastion.core.replica;

import java.util.EnumMap;
import java.util.Map;

/**
 * Counters of what a replica's core did and dropped, for metrics and tests. Owned by the core's
 * thread; {@link #snapshot()} copies them for other threads.
 */
public final class ReplicaStats {
    /** What is counted. */
    public enum Counter {
        REQUESTS_RECEIVED,
        REQUESTS_DUPLICATE,
        REQUESTS_OLD,
        REQUESTS_POOL_FULL,
        REQUESTS_INVALID,
        /** Request bodies a backup relayed to the primary (sent to the backups only, or lost there). */
        REQUESTS_RELAYED,
        REPLIES_RESENT,
        READ_ONLY_ANSWERED,
        BATCHES_PROPOSED,
        BATCHES_EXECUTED,
        REQUESTS_EXECUTED,
        PRE_PREPARES_REJECTED,
        EQUIVOCATIONS_SEEN,
        /** Batches taken in place of an equivocating primary's other batch, once f+1 replicas committed them. */
        DECIDED_BATCHES_ADOPTED,
        /** Batches this replica took as committed because f+1 peers said they are decided (DECIDED), not on 2f+1 COMMITs. */
        BATCHES_LEARNED_DECIDED,
        MESSAGES_OUTSIDE_WINDOW,
        /**
         * Agreement messages for a batch this replica already executed: in the normal case, the
         * votes of the replicas slower than the quorum. Not a sign of trouble.
         */
        MESSAGES_AFTER_EXECUTION,
        MESSAGES_WRONG_VIEW,
        MESSAGES_IGNORED,
        FETCHES_SENT,
        BODIES_SERVED,
        STATUS_SENT,
        RETRANSMISSIONS,
        CHECKPOINTS_STABLE,
        CHECKPOINT_DIVERGENCE,
        VIEW_CHANGES_STARTED,
        VIEW_CHANGES_INVALID,
        NEW_VIEWS_SENT,
        NEW_VIEWS_ACCEPTED,
        NEW_VIEWS_INVALID,
        STATE_TRANSFERS_STARTED,
        STATE_TRANSFERS_DONE,
        STATE_BAD_DATA,
        STATE_PEER_SILENT,
        STATE_SERVED,
        /** STATUS, FETCH and view retransmissions not answered: the peer spent its budget. */
        PEER_MESSAGES_THROTTLED,
        /** MAC client mode: bodies from peers whose own tag this replica could not check. */
        BODIES_UNVERIFIED,
        /** MAC client mode: requests made authentic here by f+1 peers' vouchers. */
        REQUESTS_VOUCHED,
        /** MAC client mode: a pre-prepare waited for f+1 PREPAREs because a body was unverified here. */
        PRE_PREPARES_AWAITING_BACKING,
    }

    private final EnumMap<Counter, Long> counters = new EnumMap<>(Counter.class);

    void add(Counter counter, long amount) {
        counters.merge(counter, amount, Long::sum);
    }

    void increment(Counter counter) {
        add(counter, 1);
    }

    public long get(Counter counter) {
        return counters.getOrDefault(counter, 0L);
    }

    public Map<Counter, Long> snapshot() {
        return new EnumMap<>(counters.isEmpty() ? new EnumMap<>(Counter.class) : counters);
    }
}
