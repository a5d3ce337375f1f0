package io.bastion.core.replica;

import io.bastion.core.crypto.Digest;
import io.bastion.core.message.Checkpoint;
import io.bastion.core.message.Commit;
import io.bastion.core.message.Decided;
import io.bastion.core.message.FetchRequests;
import io.bastion.core.message.FetchState;
import io.bastion.core.message.Prepare;
import io.bastion.core.message.Request;
import io.bastion.core.message.RequestBodies;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.Status;
import io.bastion.core.replica.ReplicaStats.Counter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What replicas send each other beyond the agreement itself, so that lost messages and partial
 * client sends strand nobody: answers to a peer's STATUS (what it lacks of this replica's log),
 * request bodies a pre-prepare ordered that a backup does not hold (FETCH-REQUESTS), requests a
 * client sent to the backups only (relayed to the primary), and the state a lagging peer fetches
 * (FETCH-STATE, served by the executor).
 *
 * <p>Every answer to a peer spends that peer's {@link PeerBudget}: a faulty replica flooding STATUS
 * or FETCH messages gets a bounded amount of work, whatever it sends. The budgets sit far above
 * what a correct peer asks for (one STATUS per status interval, one state fetch in flight).
 */
final class Retransmission {
    /** STATUS messages answered per peer and status interval (a correct peer sends one). */
    static final int STATUS_ANSWERS_PER_INTERVAL = 2;
    /** FETCH-STATE messages served per peer and status interval (a correct peer has one in flight). */
    static final int STATE_SERVES_PER_INTERVAL = 8;
    /** View messages (NEW-VIEW, VIEW-CHANGE, megabytes at worst) resent per peer and request timeout. */
    static final int VIEW_RESENDS_PER_TIMEOUT = 2;

    private final Replica r;
    private final PeerBudget statusAnswers;
    private final PeerBudget bodyAnswers;
    private final PeerBudget stateServes;
    private final PeerBudget viewResends;

    Retransmission(Replica replica) {
        this.r = replica;
        int n = replica.quorums.n();
        long interval = replica.settings.statusIntervalMillis();
        this.statusAnswers = new PeerBudget(n, STATUS_ANSWERS_PER_INTERVAL, interval);
        // a peer catching up asks for the bodies of up to retransmitBatchesMax batches per interval
        this.bodyAnswers = new PeerBudget(n, replica.settings.retransmitBatchesMax(), interval);
        this.stateServes = new PeerBudget(n, STATE_SERVES_PER_INTERVAL, interval);
        this.viewResends = new PeerBudget(n, VIEW_RESENDS_PER_TIMEOUT, replica.settings.requestTimeoutMillis());
    }

    private boolean fromPeer(int from) {
        return from >= 0 && from < r.quorums.n() && from != r.id;
    }

    private void throttled() {
        r.stats.increment(Counter.PEER_MESSAGES_THROTTLED);
    }

    // ------------------------------------------------------------------ asking peers

    /** Bodies a pre-prepare ordered that have not arrived: ask the primary, then the other peers in turn. */
    void fetchMissingBodies(long nowMillis, Output out) {
        long delay = r.settings.requestFetchDelayMillis();
        for (Slot slot : r.log.above(r.lastDelivered)) {
            if (slot.prePrepare == null || slot.missing == 0 || nowMillis - slot.arrivedMillis < delay
                    || nowMillis - slot.lastFetchMillis < delay) {
                continue;
            }
            int target = r.quorums.primary(slot.view());
            for (int i = 0; i < slot.fetchAttempts; i++) {
                target = (target + 1) % r.quorums.n();
                if (target == r.id) {
                    target = (target + 1) % r.quorums.n();
                }
            }
            if (target == r.id) {
                target = (target + 1) % r.quorums.n();
            }
            slot.fetchAttempts++;
            slot.lastFetchMillis = nowMillis;
            out.send(target, Envelope.unsigned(new FetchRequests(r.id, slot.missingDigests())));
            r.stats.increment(Counter.FETCHES_SENT);
        }
    }

    /**
     * A backup relays requests no batch ordered after a while to the primary (PBFT's rule, and
     * Aardvark's lesson): a client may have sent them to the backups only. Only relayed requests
     * count against the primary ({@link RequestPool#oldestRelayed}).
     */
    void relayToPrimary(long nowMillis, Output out) {
        if (r.views.isPrimary() || r.views.changing() || r.transferringState()) {
            return;
        }
        List<Envelope<Request>> due = r.pool.takeDueForRelay(nowMillis, r.settings.batchRequestsMax(),
                r.settings.batchBytesMax());
        if (!due.isEmpty()) {
            out.send(r.views.primary(), Envelope.unsigned(new RequestBodies(r.id, due)));
            r.stats.add(Counter.REQUESTS_RELAYED, due.size());
            // MAC client mode: vouches are not retransmitted otherwise (a connection may have dropped them)
            List<io.bastion.core.message.BatchEntry> tagged = new ArrayList<>();
            for (Envelope<Request> body : due) {
                if (body.hasAuthenticator()) {
                    tagged.add(Replica.vouchFor(body));
                }
            }
            r.broadcastVouches(tagged, out);
        }
    }

    // ------------------------------------------------------------------ answering peers

    void onFetchRequests(int from, FetchRequests fetch, long nowMillis, Output out) {
        if (!fromPeer(from) || fetch.requestDigests().size() > r.settings.batchRequestsMax()) {
            r.stats.increment(Counter.MESSAGES_IGNORED);
            return;
        }
        if (!bodyAnswers.take(from, nowMillis)) {
            throttled();
            return;
        }
        List<Envelope<Request>> found = new ArrayList<>();
        for (Digest d : fetch.requestDigests()) {
            Envelope<Request> body = r.pool.get(d);
            if (body == null && !r.log.isUnverified(d)) { // a correct replica serves only what is authentic to it
                body = r.log.orderedBody(d);
            }
            if (body != null) {
                found.add(body);
            }
        }
        if (!found.isEmpty()) {
            out.send(from, Envelope.unsigned(new RequestBodies(r.id, found)));
            r.stats.add(Counter.BODIES_SERVED, found.size());
        }
    }

    void onFetchState(int from, FetchState fetch, long nowMillis, Output out) {
        if (!fromPeer(from) || fetch.chunks().size() > r.settings.stateFetchChunksMax()) {
            r.stats.increment(Counter.MESSAGES_IGNORED);
            return;
        }
        if (fetch.seq() != r.lastStable && !r.ownCheckpoints.containsKey(fetch.seq())) {
            return;
        }
        if (!stateServes.take(from, nowMillis)) {
            throttled();
            return;
        }
        out.serveState.add(new Output.ServeState(from, fetch.seq(), fetch.chunks()));
        r.stats.increment(Counter.STATE_SERVED);
    }

    /**
     * Our COMMIT for the slot, and once its batch is decided here (committed or executed), our
     * DECIDED for it. Only our own: a COMMIT is authenticated by the connection it comes on, so it
     * cannot be relayed. A peer that left the view cannot add its own COMMIT, and a faulty replica
     * may have sent it one for another batch, so the COMMITs of the other correct replicas may be
     * one short of 2f+1. DECIDEDs from f+1 replicas are enough instead; why a lone replica gets
     * them, or else the cluster changes views with it, is in docs/protocol.md ("Learning").
     */
    private void sendVotes(int to, Slot slot, Output out) {
        Envelope<Commit> own = slot.commits.get(r.id);
        if (own != null) {
            out.send(to, own);
        }
        Digest decided = slot.executed() ? slot.executedDigest : slot.committed ? slot.batchDigest : null;
        if (decided != null) {
            out.send(to, Envelope.unsigned(new Decided(r.id, slot.seq, decided)));
        }
    }

    /** A peer reports where it is: send it what it lacks of what this replica holds. */
    void onStatus(int from, Status status, long nowMillis, Output out) {
        if (!fromPeer(from) || status.replicaId() != from) {
            r.stats.increment(Counter.MESSAGES_IGNORED);
            return;
        }
        if (!statusAnswers.take(from, nowMillis)) {
            throttled();
            return;
        }
        if (r.views.behindInViews(status) && !viewResends.take(from, nowMillis)) {
            throttled();
        } else {
            r.views.retransmit(from, status, out);
        }
        long first = Math.max(status.lastDelivered() + 1, r.log.retainedFrom());
        long last = Math.min(status.lastDelivered() + r.settings.retransmitBatchesMax(), r.log.highestSeq());
        for (long seq = first; seq <= last; seq++) {
            Slot slot = r.log.get(seq);
            if (slot == null) {
                continue;
            }
            if (slot.prePrepare != null) {
                out.send(from, slot.prePrepare);
            }
            Envelope<Prepare> prepare = slot.prepares.get(r.id);
            if (prepare != null && prepare.message().view() == status.view()) {
                out.send(from, prepare);
            }
            sendVotes(from, slot, out);
            r.stats.increment(Counter.RETRANSMISSIONS);
        }
        if (status.lastStable() < r.lastStable) {
            r.checkpoints.stableProof().forEach(c -> out.send(from, c));
        }
        for (Map.Entry<Long, Digest> own : r.ownCheckpoints.entrySet()) {
            Envelope<Checkpoint> mine = r.checkpoints.of(r.id, own.getKey());
            if (mine != null && own.getKey() > status.lastStable()) {
                out.send(from, mine);
            }
        }
    }
}
