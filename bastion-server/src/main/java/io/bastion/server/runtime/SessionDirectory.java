package io.bastion.server.runtime;

import io.bastion.core.auth.ClientKeys;
import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.session.Session;
import io.bastion.core.util.Check;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who a replica's edge recognises, by client id: the clients of the cluster file and the live
 * sessions of dynamic clients (id → key), as the replica's executed state has them. It is the
 * id → key lookup done before any signature check ({@link #keyOf}); a request from an id it does
 * not know is dropped without cryptographic work.
 *
 * <p>Sessions that ended a moment ago are remembered in a FIFO of at most
 * {@code recentlyEndedMax} (id, key) entries ({@link #recentlyEnded}): a request of such a
 * session still verifies when a peer relays it (a batch ordered just before the session ended
 * must not be stranded), and its client, checked under its old key, can be told that its session
 * ended. Ids are never reused, so an entry can only be stale, never wrong.
 *
 * <p>Updated by the executor thread from each batch's result before that batch's replies leave
 * (a client that learns its new id from a reply is recognised at once), and rebuilt from the
 * state machine at start and after a state transfer. Reads are lock-free from any thread;
 * updates are serialised by a lock.
 */
public final class SessionDirectory implements ClientKeys {
    /** Recently ended sessions remembered by default. */
    public static final int RECENTLY_ENDED_DEFAULT = 10_000;

    private record Ended(long clientId, PublicKeyRef key) {}

    private final ClientKeys registered;
    private final int recentlyEndedMax;
    private final ConcurrentHashMap<Long, PublicKeyRef> live = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, PublicKeyRef> ended = new ConcurrentHashMap<>();
    /** Registered clients' and live sessions' highest executed request number, as this replica executed them. */
    private final ConcurrentHashMap<Long, Long> lastExecuted = new ConcurrentHashMap<>();
    /** The highest request number of each client this replica saw in a batch (proposed or accepted). */
    private final ConcurrentHashMap<Long, Long> lastOrdered = new ConcurrentHashMap<>();
    /** The order {@link #ended} entries go in; guarded by {@code this}. */
    private final ArrayDeque<Ended> endedOrder = new ArrayDeque<>();

    /** @param registered the clients of the cluster file (thread-safe) */
    public SessionDirectory(ClientKeys registered, int recentlyEndedMax) {
        Check.argument(recentlyEndedMax > 0, "recentlyEndedMax must be positive, got " + recentlyEndedMax);
        this.registered = registered;
        this.recentlyEndedMax = recentlyEndedMax;
    }

    /** The key of a registered client or live session, else {@code null}. */
    @Override
    public PublicKeyRef keyOf(long clientId) {
        PublicKeyRef key = registered.keyOf(clientId);
        return key != null ? key : live.get(clientId);
    }

    /** The key of a session that ended recently (and is not live), else {@code null}. */
    public PublicKeyRef recentlyEnded(long clientId) {
        return ended.get(clientId);
    }

    /** {@link #keyOf}, or failing that {@link #recentlyEnded}: the lookup for requests peers relay. */
    public PublicKeyRef keyOfRelayed(long clientId) {
        PublicKeyRef key = keyOf(clientId);
        return key != null ? key : ended.get(clientId);
    }

    /** Provisional ids whose Join this replica executed lately, most recent last; guarded by {@code this}. */
    private final java.util.LinkedHashMap<Long, Long> answeredJoins = new java.util.LinkedHashMap<>();

    /** Joins remembered as answered at most. */
    public static final int ANSWERED_JOINS_MAX = 10_000;

    /** The executor ran a Join: a retransmission of it may be answered from the session table. */
    public synchronized void joinExecuted(long provisionalId, long requestNumber) {
        answeredJoins.remove(provisionalId);
        answeredJoins.put(provisionalId, requestNumber);
        if (answeredJoins.size() > ANSWERED_JOINS_MAX) {
            answeredJoins.remove(answeredJoins.keySet().iterator().next());
        }
    }

    /** Whether this replica executed this Join (same provisional id and request number) lately. */
    public synchronized boolean joinAnswered(long provisionalId, long requestNumber) {
        Long number = answeredJoins.get(provisionalId);
        return number != null && number == requestNumber;
    }

    public synchronized int answeredJoinCount() {
        return answeredJoins.size();
    }

    public boolean isLive(long clientId) {
        return live.containsKey(clientId);
    }

    /**
     * The highest request number of registered client or live session {@code clientId} this
     * replica has executed, or 0 when unknown (the exactly-once entries are in the replicated
     * state; this copy lets the edge answer a retransmission from the reply cache instead of
     * ordering it again, and drop a replayed older request before checking its signature).
     */
    public long lastExecuted(long clientId) {
        return lastExecuted.getOrDefault(clientId, 0L);
    }

    /** The executor ran request {@code requestNumber} of a client (ignored unless registered or live). */
    public void executed(long clientId, long requestNumber) {
        if (live.containsKey(clientId) || registered.keyOf(clientId) != null) {
            lastExecuted.merge(clientId, requestNumber, Math::max);
        }
    }

    /** A batch this replica proposed or accepted orders request {@code requestNumber} of a client. */
    public void ordered(long clientId, long requestNumber) {
        if (live.containsKey(clientId) || registered.keyOf(clientId) != null) {
            lastOrdered.merge(clientId, requestNumber, Math::max);
        }
    }

    /**
     * The highest request number of {@code clientId} this replica saw ordered or executed, or 0:
     * once a client's request is settled here, its next one is worth checking
     * ({@link io.bastion.net.endpoint.RequestAdmission}).
     */
    public long settledUpTo(long clientId) {
        return Math.max(lastExecuted(clientId), lastOrdered.getOrDefault(clientId, 0L));
    }

    /**
     * One batch's changes: {@code opened} sessions become known, {@code forgotten} ids stop being
     * (ids that were no live session here, such as answered Joins' provisional ids, are ignored).
     */
    public synchronized void apply(List<Session> opened, List<Long> forgotten) {
        for (long clientId : forgotten) {
            lastExecuted.remove(clientId);
            lastOrdered.remove(clientId);
            PublicKeyRef key = live.remove(clientId);
            if (key != null) {
                remember(clientId, key);
            }
        }
        for (Session s : opened) {
            live.put(s.clientId(), s.key());
            ended.remove(s.clientId());
        }
    }

    /** Replaces the live sessions by {@code sessions} (after a restart or a state transfer). */
    public synchronized void replaceLive(List<Session> sessions) {
        lastOrdered.clear();
        lastExecuted.clear(); // unknown for the new state: retransmissions are ordered until it is known again
        Map<Long, PublicKeyRef> next = new HashMap<>();
        for (Session s : sessions) {
            next.put(s.clientId(), s.key());
        }
        for (Map.Entry<Long, PublicKeyRef> e : Map.copyOf(live).entrySet()) {
            if (!next.containsKey(e.getKey())) {
                live.remove(e.getKey());
                remember(e.getKey(), e.getValue());
            }
        }
        next.forEach((clientId, key) -> {
            live.put(clientId, key);
            ended.remove(clientId);
        });
    }

    private void remember(long clientId, PublicKeyRef key) {
        ended.put(clientId, key);
        endedOrder.addLast(new Ended(clientId, key));
        while (endedOrder.size() > recentlyEndedMax) {
            Ended oldest = endedOrder.removeFirst();
            ended.remove(oldest.clientId(), oldest.key());
        }
    }

    /** Live sessions known here. */
    public int liveCount() {
        return live.size();
    }

    /** Recently ended sessions remembered; at most {@code recentlyEndedMax}. */
    public int recentlyEndedCount() {
        return ended.size();
    }

    public int recentlyEndedMax() {
        return recentlyEndedMax;
    }
}
