package io.bastion.core.replica;

import io.bastion.core.config.ClusterConfig;
import io.bastion.core.config.ProtocolSettings;
import io.bastion.core.crypto.Digest;
import io.bastion.core.crypto.Signer;
import io.bastion.core.message.BatchEntry;
import io.bastion.core.message.Checkpoint;
import io.bastion.core.message.Commit;
import io.bastion.core.message.FetchRequests;
import io.bastion.core.message.PrePrepare;
import io.bastion.core.message.Prepare;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.message.RequestBodies;
import io.bastion.core.message.Signed;
import io.bastion.core.message.Status;
import io.bastion.core.quorum.Quorums;
import io.bastion.core.replica.ReplicaStats.Counter;
import io.bastion.core.util.Check;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * One PBFT replica as a deterministic state machine: {@link #step(Event)} takes an event and
 * returns the actions it causes. It reads no clock (time arrives in {@link Event.Tick}), no
 * socket, no file and no unseeded randomness, so the same events always give the same actions.
 *
 * <p>Normal case: a client request reaches every replica; the primary orders request digests in
 * batches (PRE-PREPARE with agreed time and seed), backups that hold every body accept and send
 * PREPARE, a prepared batch gets COMMITs, and a committed batch executes in sequence order.
 * Every K sequence numbers replicas exchange CHECKPOINTs; 2f+1 matching ones make it stable and
 * move the log window. A replica without progress broadcasts STATUS and its peers retransmit what
 * it lacks; a backup missing a body fetches it from a peer.
 *
 * <p>Not thread-safe: one thread owns a replica. Messages given to it must already be verified.
 */
public final class Replica {
    private final int id;
    private final Quorums quorums;
    private final ProtocolSettings settings;
    private final Signer signer;
    private final RandomGenerator random;
    private final ReplicaStats stats = new ReplicaStats();

    private final Log log;
    private final RequestPool pool;
    private final ClientTable clients;
    private final Checkpoints checkpoints = new Checkpoints();

    private int view;
    private long nowMillis;
    /** Highest sequence number handed to the executor. */
    private long lastExecuted;
    /** Agreed time of the batch at {@link #lastExecuted}. */
    private long lastExecutedTime;
    /** Highest sequence number the executor reported done. */
    private long lastApplied;
    private long lastStable;
    /** Primary only: the next sequence number to propose. */
    private long nextSeq = 1;
    private long lastProposedTime;
    /** Own checkpoint digests not yet stable, by sequence number. */
    private final Map<Long, Digest> ownCheckpoints = new java.util.TreeMap<>();

    private long progressMark = -1;
    private long lastProgressMillis;
    private long lastStatusMillis;

    /**
     * A replica at the initial state.
     *
     * @param id     this replica's id in {@code config}
     * @param signer signs with this replica's private key (deterministic)
     * @param random seeded source for batch seeds; the only randomness the core uses
     */
    public Replica(int id, ClusterConfig config, Signer signer, RandomGenerator random) {
        Check.argument(id >= 0 && id < config.n(), "replica id " + id + " not in cluster of " + config.n());
        this.id = id;
        this.quorums = config.quorums();
        this.settings = config.settings();
        this.signer = signer;
        this.random = random;
        this.log = new Log(settings.logSize(), settings.checkpointInterval());
        this.pool = new RequestPool(settings.pendingRequestsMax(), settings.requestsPerClientMax());
        this.clients = new ClientTable(Map.of());
    }

    // ------------------------------------------------------------------ the step function

    /** Applies one event and returns what the runtime must do, in the order {@link Output} states. */
    public Output step(Event event) {
        Output out = new Output();
        switch (event) {
            case Event.Tick tick -> onTick(tick.nowMillis(), out);
            case Event.Received received -> onReceived(received.from(), received.message(), out);
            case Event.Executed executed -> onExecuted(executed.seq(), executed.stateDigest(), out);
        }
        advance(out);
        return out;
    }

    private void onReceived(int from, Signed<?> signed, Output out) {
        switch (signed.message()) {
            case Request r -> onRequest(signed.as(Request.class), from == Event.FROM_CLIENT, out);
            case PrePrepare p -> onPrePrepare(signed.as(PrePrepare.class));
            case Prepare p -> onPrepare(signed.as(Prepare.class));
            case Commit c -> onCommit(signed.as(Commit.class));
            case Checkpoint c -> onCheckpoint(signed.as(Checkpoint.class), out);
            case Status s -> onStatus(from, s, out);
            case FetchRequests f -> onFetchRequests(from, f, out);
            case RequestBodies b -> b.requests().forEach(r -> onRequest(r, false, out));
            case Reply r -> stats.increment(Counter.MESSAGES_IGNORED);
        }
    }

    // ------------------------------------------------------------------ requests

    private void onRequest(Signed<Request> signed, boolean fromClient, Output out) {
        Request request = signed.message();
        stats.increment(Counter.REQUESTS_RECEIVED);
        if (request.readOnly() || request.operationUnsafe().length > settings.requestBytesMax()) {
            stats.increment(Counter.REQUESTS_INVALID);
            return;
        }
        if (!clients.isNew(request.clientId(), request.requestNumber())) {
            if (fromClient && request.requestNumber() == clients.last(request.clientId())) {
                out.resendReplies.add(new Output.ResendReply(request.clientId(), request.requestNumber()));
                stats.increment(Counter.REPLIES_RESENT);
            } else {
                stats.increment(Counter.REQUESTS_OLD);
            }
            return;
        }
        switch (pool.add(signed)) {
            case DUPLICATE -> stats.increment(Counter.REQUESTS_DUPLICATE);
            case FULL -> stats.increment(Counter.REQUESTS_POOL_FULL);
            case ADDED -> {
                if (log.bodyArrived(signed)) {
                    pool.markOrdered(signed.digest());
                }
            }
        }
    }

    // ------------------------------------------------------------------ agreement

    private void onPrePrepare(Signed<PrePrepare> signed) {
        PrePrepare p = signed.message();
        if (p.view() != view) {
            stats.increment(Counter.MESSAGES_WRONG_VIEW);
            return;
        }
        if (isPrimary() || !log.inWindow(p.seq()) || p.seq() <= lastExecuted) {
            stats.increment(Counter.MESSAGES_OUTSIDE_WINDOW);
            return;
        }
        Slot slot = log.getOrCreate(p.seq());
        if (slot.prePrepare != null) {
            if (!slot.prePrepare.equals(signed)) {
                stats.increment(Counter.EQUIVOCATIONS_SEEN);
            }
            return;
        }
        log.setPrePrepare(slot, signed, pool, nowMillis);
    }

    private void onPrepare(Signed<Prepare> signed) {
        Prepare p = signed.message();
        if (!acceptsFrom(p.replicaId(), p.view(), p.seq())) {
            return;
        }
        if (p.replicaId() == quorums.primary(p.view())) {
            stats.increment(Counter.MESSAGES_IGNORED); // the primary's pre-prepare stands for its prepare
            return;
        }
        log.getOrCreate(p.seq()).prepares.putIfAbsent(p.replicaId(), signed);
    }

    private void onCommit(Signed<Commit> signed) {
        Commit c = signed.message();
        if (acceptsFrom(c.replicaId(), c.view(), c.seq())) {
            log.getOrCreate(c.seq()).commits.putIfAbsent(c.replicaId(), signed);
        }
    }

    private boolean acceptsFrom(int replicaId, int messageView, long seq) {
        if (replicaId == id || replicaId < 0 || replicaId >= quorums.n()) {
            stats.increment(Counter.MESSAGES_IGNORED);
            return false;
        }
        if (messageView != view) {
            stats.increment(Counter.MESSAGES_WRONG_VIEW);
            return false;
        }
        if (!log.inWindow(seq) || seq <= lastExecuted) {
            stats.increment(Counter.MESSAGES_OUTSIDE_WINDOW);
            return false;
        }
        return true;
    }

    /** Moves every slot as far as it can go, executes in order, and lets the primary propose. */
    private void advance(Output out) {
        for (Slot slot : log.above(lastExecuted)) {
            if (slot.prePrepare == null) {
                continue;
            }
            if (!slot.accepted && !slot.rejected) {
                tryAccept(slot, out);
            }
            if (!slot.prepared && slot.matchingPrepares() >= quorums.prepares()) {
                slot.prepared = true;
                Signed<Commit> commit = Signed.sign(new Commit(id, view, slot.seq, slot.batchDigest), signer);
                slot.commits.put(id, commit);
                out.persist.add(commit);
                out.broadcast(commit);
            }
            if (slot.prepared && !slot.committed && slot.matchingCommits() >= quorums.commits()) {
                slot.committed = true;
            }
        }
        Slot next;
        while ((next = log.get(lastExecuted + 1)) != null && next.committed && next.missing == 0) {
            execute(next, out);
        }
        if (isPrimary() && nowMillis > 0) { // no proposal before the first tick tells the time
            propose(out);
        }
    }

    /** A backup validates a pre-prepare once it holds every body; valid ones get its PREPARE. */
    private void tryAccept(Slot slot, Output out) {
        if (isPrimary() || slot.missing > 0) {
            return;
        }
        PrePrepare p = slot.batch();
        Long previousTime = timeBefore(slot.seq);
        if (previousTime == null || nowMillis == 0) {
            return; // decide once the previous batch's time and the local clock are known
        }
        boolean vouched = slot.matchingPrepares() >= quorums.weak();
        if (!vouched && p.timeMillis() > nowMillis + settings.clockSkewMaxMillis()) {
            return; // a time ahead of our clock may become acceptable as the clock advances
        }
        String problem = validate(slot, p, previousTime, vouched);
        if (problem != null) {
            slot.rejected = true;
            stats.increment(Counter.PRE_PREPARES_REJECTED);
            return;
        }
        slot.accepted = true;
        for (BatchEntry e : p.entries()) {
            pool.markOrdered(e.requestDigest());
        }
        Signed<Prepare> prepare = Signed.sign(new Prepare(id, view, slot.seq, slot.batchDigest), signer);
        slot.prepares.put(id, prepare);
        out.persist.add(prepare);
        out.broadcast(prepare);
    }

    /**
     * Why a pre-prepare is invalid, or {@code null} when it is valid. The proposed time must follow
     * the previous batch's and lie within the skew bound of the local clock — unless f+1 replicas
     * already prepared it ({@code vouched}): then a correct one checked the time while the
     * proposal was live, and this replica is only catching up.
     */
    private String validate(Slot slot, PrePrepare p, long previousTime, boolean vouched) {
        if (p.entries().size() > settings.batchRequestsMax()) {
            return "batch of " + p.entries().size() + " requests";
        }
        Set<Digest> seen = new HashSet<>();
        long bytes = 0;
        for (int i = 0; i < p.entries().size(); i++) {
            BatchEntry e = p.entries().get(i);
            Request body = slot.bodies.get(i).message();
            if (!seen.add(e.requestDigest())) {
                return "request ordered twice in one batch";
            }
            if (body.clientId() != e.clientId() || body.requestNumber() != e.requestNumber() || body.readOnly()) {
                return "entry does not describe its request";
            }
            bytes += body.operationUnsafe().length;
        }
        if (bytes > settings.batchBytesMax()) {
            return "batch of " + bytes + " bytes";
        }
        if (p.timeMillis() <= previousTime) {
            return "time " + p.timeMillis() + " not after " + previousTime;
        }
        if (!vouched && Math.abs(p.timeMillis() - nowMillis) > settings.clockSkewMaxMillis()) {
            return "time " + p.timeMillis() + " too far from local clock " + nowMillis;
        }
        return null;
    }

    /** Agreed time of the batch before {@code seq}, or {@code null} while it is not known. */
    private Long timeBefore(long seq) {
        if (seq - 1 == lastExecuted) {
            return lastExecutedTime;
        }
        Slot previous = log.get(seq - 1);
        return previous == null || previous.prePrepare == null ? null : previous.batch().timeMillis();
    }

    private void execute(Slot slot, Output out) {
        PrePrepare p = slot.batch();
        List<Signed<Request>> fresh = new ArrayList<>(slot.bodies.size());
        for (Signed<Request> body : slot.bodies) {
            Request r = body.message();
            if (clients.isNew(r.clientId(), r.requestNumber())) {
                clients.markExecuted(r.clientId(), r.requestNumber());
                fresh.add(body);
            }
            pool.removeUpTo(r.clientId(), clients.last(r.clientId()));
        }
        boolean checkpoint = slot.seq % settings.checkpointInterval() == 0;
        out.executes.add(new Execute(slot.seq, p.view(), p.timeMillis(), p.seed(), fresh, checkpoint));
        lastExecuted = slot.seq;
        lastExecutedTime = p.timeMillis();
        stats.increment(Counter.BATCHES_EXECUTED);
        stats.add(Counter.REQUESTS_EXECUTED, fresh.size());
    }

    /** The primary turns queued requests into batches while the pipeline has room. */
    private void propose(Output out) {
        if (nextSeq <= lastExecuted) {
            nextSeq = lastExecuted + 1;
        }
        while (pool.hasUnordered() && nextSeq - 1 - lastExecuted < settings.inFlightBatchesMax()
                && log.inWindow(nextSeq)) {
            List<Signed<Request>> batch = pool.takeBatch(settings.batchRequestsMax(), settings.batchBytesMax(),
                    r -> clients.isNew(r.clientId(), r.requestNumber()));
            if (batch.isEmpty()) {
                return;
            }
            List<BatchEntry> entries = new ArrayList<>(batch.size());
            for (Signed<Request> r : batch) {
                entries.add(new BatchEntry(r.message().clientId(), r.message().requestNumber(), r.digest()));
            }
            long time = Math.max(nowMillis, Math.max(lastProposedTime, lastExecutedTime) + 1);
            PrePrepare p = new PrePrepare(view, nextSeq, time, random.nextLong(), entries);
            Signed<PrePrepare> signed = Signed.sign(p, signer);
            Slot slot = log.getOrCreate(nextSeq);
            log.setPrePrepare(slot, signed, pool, nowMillis);
            Check.that(slot.missing == 0, "primary proposed a request it does not hold");
            slot.accepted = true;
            out.persist.add(signed);
            out.broadcast(signed);
            lastProposedTime = time;
            nextSeq++;
            stats.increment(Counter.BATCHES_PROPOSED);
        }
    }

    // ------------------------------------------------------------------ checkpoints

    private void onExecuted(long seq, Digest stateDigest, Output out) {
        Check.that(seq == lastApplied + 1, "executor reported %d after %d", seq, lastApplied);
        Check.that(seq <= lastExecuted, "executor reported %d, never handed out (last %d)", seq, lastExecuted);
        lastApplied = seq;
        if (seq % settings.checkpointInterval() != 0) {
            return;
        }
        Check.that(stateDigest != null, "checkpoint %d executed without a state digest", seq);
        ownCheckpoints.put(seq, stateDigest);
        Signed<Checkpoint> checkpoint = Signed.sign(new Checkpoint(id, seq, stateDigest), signer);
        checkpoints.add(checkpoint);
        out.persist.add(checkpoint);
        out.broadcast(checkpoint);
        tryStabilize(seq, out);
    }

    private void onCheckpoint(Signed<Checkpoint> signed, Output out) {
        Checkpoint c = signed.message();
        if (c.replicaId() == id || c.replicaId() < 0 || c.replicaId() >= quorums.n()
                || c.seq() % settings.checkpointInterval() != 0) {
            stats.increment(Counter.MESSAGES_IGNORED);
            return;
        }
        if (c.seq() <= lastStable || c.seq() > log.high()) {
            stats.increment(Counter.MESSAGES_OUTSIDE_WINDOW);
            return;
        }
        if (checkpoints.add(signed)) {
            tryStabilize(c.seq(), out);
        }
    }

    /** A checkpoint this replica reached becomes stable once 2f+1 replicas agree on its digest. */
    private void tryStabilize(long seq, Output out) {
        Digest own = ownCheckpoints.get(seq);
        if (own == null || seq <= lastStable) {
            return;
        }
        List<Signed<Checkpoint>> proof = checkpoints.matching(seq, own);
        if (proof.size() < quorums.stableCheckpoint()) {
            Digest agreed = checkpoints.quorumDigest(seq, quorums.stableCheckpoint());
            if (agreed != null && !agreed.equals(own)) {
                stats.increment(Counter.CHECKPOINT_DIVERGENCE); // our state differs from a quorum's
            }
            return;
        }
        lastStable = seq;
        checkpoints.stabilize(seq, own, proof);
        ownCheckpoints.keySet().removeIf(s -> s <= seq);
        log.truncate(seq);
        out.discardBelow = seq + 1;
        stats.increment(Counter.CHECKPOINTS_STABLE);
    }

    // ------------------------------------------------------------------ retransmission

    private void onTick(long now, Output out) {
        Check.that(now >= nowMillis, "clock went backwards: %d after %d", now, nowMillis);
        nowMillis = now;
        fetchMissingBodies(out);
        if (lastExecuted != progressMark) {
            progressMark = lastExecuted;
            lastProgressMillis = now;
        }
        boolean stuck = hasWork() && now - lastProgressMillis >= settings.statusIntervalMillis();
        long sinceStatus = now - lastStatusMillis;
        if ((stuck && sinceStatus >= settings.statusIntervalMillis())
                || sinceStatus >= settings.idleStatusIntervalMillis()) {
            out.broadcast(Signed.unsigned(new Status(id, view, lastExecuted, lastStable)));
            lastStatusMillis = now;
            stats.increment(Counter.STATUS_SENT);
        }
    }

    private boolean hasWork() {
        return pool.hasUnordered() || log.highestSeq() > lastExecuted;
    }

    private void fetchMissingBodies(Output out) {
        for (Slot slot : log.above(lastExecuted)) {
            if (slot.prePrepare == null || slot.missing == 0
                    || nowMillis - slot.arrivedMillis < settings.requestFetchDelayMillis()
                    || nowMillis - slot.lastFetchMillis < settings.requestFetchDelayMillis()) {
                continue;
            }
            // the primary first (it holds every body it ordered), then every other peer in turn
            int target = quorums.primary(slot.view());
            for (int i = 0; i < slot.fetchAttempts; i++) {
                target = (target + 1) % quorums.n();
                if (target == id) {
                    target = (target + 1) % quorums.n();
                }
            }
            slot.fetchAttempts++;
            slot.lastFetchMillis = nowMillis;
            out.send(target, Signed.unsigned(new FetchRequests(id, slot.missingDigests())));
            stats.increment(Counter.FETCHES_SENT);
        }
    }

    private void onFetchRequests(int from, FetchRequests fetch, Output out) {
        if (from < 0 || from == id || fetch.requestDigests().size() > settings.batchRequestsMax()) {
            stats.increment(Counter.MESSAGES_IGNORED);
            return;
        }
        List<Signed<Request>> found = new ArrayList<>();
        for (Digest d : fetch.requestDigests()) {
            Signed<Request> body = pool.get(d);
            if (body == null) {
                body = log.orderedBody(d);
            }
            if (body != null) {
                found.add(body);
            }
        }
        if (!found.isEmpty()) {
            out.send(from, Signed.unsigned(new RequestBodies(id, found)));
            stats.add(Counter.BODIES_SERVED, found.size());
        }
    }

    /** A peer reports where it is: send it what it lacks of what this replica holds. */
    private void onStatus(int from, Status status, Output out) {
        if (from < 0 || from == id || status.replicaId() != from) {
            stats.increment(Counter.MESSAGES_IGNORED);
            return;
        }
        long first = Math.max(status.lastExecuted() + 1, log.retainedFrom());
        long last = Math.min(status.lastExecuted() + settings.retransmitBatchesMax(), log.highestSeq());
        for (long seq = first; seq <= last; seq++) {
            Slot slot = log.get(seq);
            if (slot == null) {
                continue;
            }
            if (slot.prePrepare != null && slot.view() == status.view()) {
                out.send(from, slot.prePrepare);
            }
            Signed<Prepare> prepare = slot.prepares.get(id);
            if (prepare != null) {
                out.send(from, prepare);
            }
            Signed<Commit> commit = slot.commits.get(id);
            if (commit != null) {
                out.send(from, commit);
            }
            stats.increment(Counter.RETRANSMISSIONS);
        }
        if (status.lastStable() < lastStable) {
            checkpoints.stableProof().forEach(c -> out.send(from, c));
        }
        for (long seq = lastStable + settings.checkpointInterval(); seq <= lastApplied;
                seq += settings.checkpointInterval()) {
            Signed<Checkpoint> mine = checkpoints.of(id, seq);
            if (mine != null && seq > status.lastStable()) {
                out.send(from, mine);
            }
        }
    }

    // ------------------------------------------------------------------ views of the state

    public int id() {
        return id;
    }

    public int view() {
        return view;
    }

    public boolean isPrimary() {
        return quorums.primary(view) == id;
    }

    public long lastExecuted() {
        return lastExecuted;
    }

    public long lastApplied() {
        return lastApplied;
    }

    public long lastStable() {
        return lastStable;
    }

    public long nowMillis() {
        return nowMillis;
    }

    public int pendingRequests() {
        return pool.size();
    }

    public int logSlots() {
        return log.slotCount();
    }

    public ReplicaStats stats() {
        return stats;
    }

    /** The executed request number of every client (exactly-once state). */
    public Map<Long, Long> clientTable() {
        return clients.snapshot();
    }

    /** Checks the replica's own invariants; a failure is a bug in Bastion, never bad input. */
    public void checkInvariants() {
        Check.that(lastStable <= lastApplied && lastApplied <= lastExecuted,
                "stable %d <= applied %d <= executed %d", lastStable, lastApplied, lastExecuted);
        Check.that(lastStable % settings.checkpointInterval() == 0, "stable checkpoint %d not at an interval",
                lastStable);
        Check.that(log.low() == lastStable, "log low watermark %d != stable %d", log.low(), lastStable);
        for (long seq = log.retainedFrom(); seq <= lastExecuted; seq++) {
            Slot s = log.get(seq);
            Check.that(s != null && s.committed, "executed %d without a committed slot", seq);
        }
        if (isPrimary()) {
            Check.that(nextSeq - 1 - lastExecuted <= settings.inFlightBatchesMax(),
                    "pipeline holds %d batches", nextSeq - 1 - lastExecuted);
        }
        log.checkInvariants();
        pool.checkInvariants();
    }

    /** The unexecuted slots, for failure reports. */
    public String describeLog() {
        StringBuilder s = new StringBuilder();
        for (Slot slot : log.above(lastExecuted)) {
            s.append(slot).append(' ');
        }
        return s.toString();
    }

    @Override
    public String toString() {
        return "Replica[" + id + ", view=" + view + ", executed=" + lastExecuted + ", applied=" + lastApplied
                + ", stable=" + lastStable + ", slots=" + log.slotCount() + ", pool=" + pool.size() + "]";
    }
}
