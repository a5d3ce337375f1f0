package io.bastion.core.replica;

import io.bastion.core.config.ClusterConfig;
import io.bastion.core.config.ProtocolSettings;
import io.bastion.core.crypto.Digest;
import io.bastion.core.crypto.Signer;
import io.bastion.core.message.BatchEntry;
import io.bastion.core.message.Challenge;
import io.bastion.core.message.Checkpoint;
import io.bastion.core.message.Hello;
import io.bastion.core.message.KeyNonce;
import io.bastion.core.message.SessionKey;
import io.bastion.core.message.Vouch;
import io.bastion.core.message.Codec;
import io.bastion.core.message.Commit;
import io.bastion.core.message.Decided;
import io.bastion.core.message.FetchRequests;
import io.bastion.core.message.FetchState;
import io.bastion.core.message.NewView;
import io.bastion.core.message.PrePrepare;
import io.bastion.core.message.Prepare;
import io.bastion.core.message.PreparedProof;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.message.RequestBodies;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.StateChunk;
import io.bastion.core.message.StateManifest;
import io.bastion.core.message.Status;
import io.bastion.core.message.ViewChange;
import io.bastion.core.quorum.Quorums;
import io.bastion.core.session.SessionSettings;
import io.bastion.core.replica.ReplicaStats.Counter;
import io.bastion.core.util.Check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
 * move the log window. This class is the normal case; its phases with a life of their own have
 * their own classes:
 * <ul>
 *   <li>{@link Retransmission}: STATUS answers, body fetches, relaying requests the primary may
 *       lack, serving state — each bounded per peer;</li>
 *   <li>{@link ViewChangeProtocol}: a backup suspects the primary when a request it relayed, or a
 *       batch the primary proposed, waited {@code requestTimeoutMillis} (doubling with each
 *       further attempt); from there the view change runs as its own state machine, and hands
 *       the new view back ({@code startView}). A replica keeps learning committed batches of
 *       older views (2f+1 COMMITs, or f+1 peers' DECIDED) while it waits, without voting in them;</li>
 *   <li>{@link StateTransfer}: brings a replica that fell behind a stable checkpoint up to it;</li>
 *   <li>{@link LogReplay}: rebuilds a restarted replica from its own durable log
 *       ({@link #recover}).</li>
 * </ul>
 *
 * <p>Not thread-safe: one thread owns a replica. Messages given to it must already be verified.
 */
public final class Replica {
    // package-private where LogReplay rebuilds them after a restart
    final int id;
    final Quorums quorums;
    final ProtocolSettings settings;

    private final Signer signer;
    private final RandomGenerator random;
    final ReplicaStats stats = new ReplicaStats();

    final Log log;
    final RequestPool pool;
    final ClientTable clients;
    /** MAC client mode: who vouched for which request (this replica included). */
    final Vouchers vouchers;
    /** MAC client mode: requests this replica vouched for in the current step, broadcast at its end. */
    private final List<BatchEntry> vouchesToSend = new ArrayList<>();
    final Checkpoints checkpoints = new Checkpoints();
    private final StateTransfer transfer;

    /** The current view and the view-change protocol that moves it. */
    final ViewChangeProtocol views;
    /** Answers to peers that lag or lack something, and what this replica asks of them. */
    private final Retransmission retransmission;

    private long nowMillis;
    /** Highest sequence number delivered: committed, in order, and handed to the executor (the
     * atomic-broadcast sense of "deliver"); the executor may not have finished it yet. */
    long lastDelivered;
    /** Agreed time of the batch at {@link #lastDelivered} (times never go back). */
    long lastDeliveredTime;
    private long lastExecutionMillis;
    private boolean executedSinceStart;
    /** Highest sequence number executed: the executor reported the batch applied to the state. */
    long lastExecuted;
    long lastStable;
    /** Primary only: the next sequence number to propose. */
    long nextSeq = 1;
    long lastProposedTime;
    /** Own checkpoint digests not yet stable, by sequence number. */
    final Map<Long, Digest> ownCheckpoints = new TreeMap<>();
    /** The checkpoint whose state this replica was restored to (0: none), announced at the first tick. */
    long restoredCheckpoint;

    /** Peers heard from since this replica started, until 2f of them were (then cleared). */
    private final Set<Integer> heardSinceStart = new HashSet<>();
    /**
     * When this replica had heard from 2f peers since it started (MAX_VALUE: not yet): before
     * that no view change could complete, and the timers of requests and batches start then —
     * after a whole-cluster restart, peers boot at different times.
     */
    private long quorumHeardMillis = Long.MAX_VALUE;
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
        this.pool = new RequestPool(settings.pendingRequestsMax(), settings.requestsPerClientMax(),
                Math.max(1, settings.requestTimeoutMillis() / RELAY_DELAY_FRACTION));
        this.clients = new ClientTable(Map.of());
        this.vouchers = new Vouchers(VOUCHED_REQUESTS_MAX);
        this.transfer = new StateTransfer(id, settings, stats);
        this.views = new ViewChangeProtocol(id, quorums, settings, signer, stats, new ViewHost());
        this.retransmission = new Retransmission(this);
    }

    /** What the view change takes from the normal case, and the start of a view it hands back. */
    private final class ViewHost implements ViewChangeProtocol.Host {
        @Override
        public List<PreparedProof> preparedProofs() {
            List<PreparedProof> prepared = new ArrayList<>();
            for (Slot slot : log.above(lastStable)) {
                if (slot.preparedProof != null && slot.seq <= lastStable + settings.logSize()
                        && slot.preparedProof.prepares().size() >= quorums.prepares()) {
                    prepared.add(slot.preparedProof);
                }
            }
            return prepared;
        }

        @Override
        public long lastStable() {
            return lastStable;
        }

        @Override
        public Checkpoints checkpoints() {
            return checkpoints;
        }

        @Override
        public long lastExecutionMillis() {
            return lastExecutionMillis;
        }

        @Override
        public void startView(Envelope<NewView> newView, ViewChangeRules.Plan plan, Output out) {
            Replica.this.startView(newView, plan, out);
        }
    }

    /**
     * A replica restarted from its own durable record: the restored state's position, then its
     * log replayed so that it never contradicts what it said before (same view, same votes).
     */
    public static Replica recover(int id, ClusterConfig config, Signer signer, RandomGenerator random,
                                  Recovery recovery) {
        Replica r = new Replica(id, config, signer, random);
        LogReplay.replay(r, recovery);
        return r;
    }

    // ------------------------------------------------------------------ the step function

    /** Applies one event and returns what the runtime must do, in the order {@link Output} states. */
    public Output step(Event event) {
        Output out = new Output();
        switch (event) {
            case Event.Tick tick -> onTick(tick.nowMillis(), out);
            case Event.Received received -> onReceived(received.from(), received.message(), out);
            case Event.OwnRequest own -> {
                onRequest(own.request(), false, out);
                out.broadcast(Envelope.unsigned(new RequestBodies(id, List.of(own.request()))));
            }
            case Event.UnverifiedBodies unverified -> onUnverifiedBodies(unverified.from(), unverified.requests(), out);
            case Event.Executed executed -> {
                forget(executed.forgottenClients());
                onExecuted(executed.seq(), executed.stateDigest(), out);
            }
            case Event.LocalStateCompared compared ->
                    transfer.onCompared(compared.seq(), compared.missing(), nowMillis, out);
            case Event.StateInstalled installed -> onStateInstalled(installed, out);
        }
        advance(out);
        broadcastVouches(vouchesToSend, out);
        vouchesToSend.clear();
        return out;
    }

    private void onReceived(int from, Envelope<?> signed, Output out) {
        if (quorumHeardMillis == Long.MAX_VALUE && from >= 0 && from < quorums.n() && from != id
                && heardSinceStart.add(from) && heardSinceStart.size() >= quorums.certificate() - 1) {
            quorumHeardMillis = Math.max(nowMillis, 1);
            heardSinceStart.clear();
        }
        switch (signed.message()) {
            case Request r -> onRequest(signed.as(Request.class), from == Event.FROM_CLIENT, out);
            case PrePrepare p -> onPrePrepare(signed.as(PrePrepare.class));
            case Prepare p -> onPrepare(signed.as(Prepare.class));
            case Commit c -> onCommit(from, signed.as(Commit.class));
            case Checkpoint c -> onCheckpoint(signed.as(Checkpoint.class), out);
            case Status s -> retransmission.onStatus(from, s, nowMillis, out);
            case FetchRequests f -> retransmission.onFetchRequests(from, f, nowMillis, out);
            case RequestBodies b -> b.requests().forEach(r -> onRequest(r, false, out));
            case ViewChange v -> views.onViewChange(signed.as(ViewChange.class), nowMillis, out);
            case NewView v -> views.onNewView(signed.as(NewView.class), out);
            case FetchState f -> retransmission.onFetchState(from, f, nowMillis, out);
            case StateManifest m -> transfer.onManifest(from, m, nowMillis, out);
            case StateChunk c -> transfer.onChunk(from, c, nowMillis, out);
            case Reply r -> stats.increment(Counter.MESSAGES_IGNORED);
            case Hello h -> stats.increment(Counter.MESSAGES_IGNORED); // answered at the edge
            case Challenge c -> stats.increment(Counter.MESSAGES_IGNORED);
            case KeyNonce k -> stats.increment(Counter.MESSAGES_IGNORED); // the edge's business
            case SessionKey k -> stats.increment(Counter.MESSAGES_IGNORED);
            case Vouch v -> onVouch(from, v);
            case Decided d -> onDecided(from, d);
        }
    }

    /** MAC client mode: VOUCH messages for {@code requests}, at most {@link Vouch#REQUESTS_MAX} each. */
    void broadcastVouches(List<BatchEntry> requests, Output out) {
        for (Vouch vouch : Vouch.split(id, requests)) {
            out.broadcast(Envelope.unsigned(vouch));
        }
    }

    /** How a vouch names a request. */
    static BatchEntry vouchFor(Envelope<Request> body) {
        return new BatchEntry(body.message().clientId(), body.message().requestNumber(), body.digest());
    }

    /**
     * MAC client mode: peer {@code from} holds these requests authentic. With f+1 vouchers a body
     * held unverified here is authentic (one voucher is correct, and by induction a correct
     * replica checked its own tag).
     */
    private void onVouch(int from, Vouch v) {
        if (from < 0 || from >= quorums.n() || from == id || v.replicaId() != from) {
            stats.increment(Counter.MESSAGES_IGNORED);
            return;
        }
        for (BatchEntry e : v.requests()) {
            if (!clients.isNew(e.clientId(), e.requestNumber())) {
                continue; // executed already: a late voucher would only take a place in the table
            }
            Digest d = e.requestDigest();
            if (vouchers.add(d, from) && vouchers.count(d) >= quorums.weakCertificate()) {
                log.vouched(d);
            }
        }
    }

    /** MAC client mode: this replica holds a MAC-mode request authentic (in its pool): it vouches for it. */
    private void vouch(Envelope<Request> body) {
        if (body.hasAuthenticator() && vouchers.add(body.digest(), id)) {
            vouchesToSend.add(vouchFor(body));
        }
    }

    /** Digests whose vouchers a replica tracks at once (MAC client mode). */
    static final int VOUCHED_REQUESTS_MAX = 4_096;

    /**
     * MAC client mode: bodies from peer {@code from} that this replica could not authenticate. Each
     * fills the slots waiting for it, marked unverified (such a batch is accepted only once f+1
     * PREPAREs back it), and counts as {@code from}'s voucher: a correct replica sends only bodies
     * authentic to it, so f+1 vouchers make a request authentic here, and it joins the pool (which is
     * how a primary that cannot check a request's tag still orders it).
     */
    private void onUnverifiedBodies(int from, List<Envelope<Request>> bodies, Output out) {
        if (from < 0 || from >= quorums.n() || from == id) {
            stats.increment(Counter.MESSAGES_IGNORED);
            return;
        }
        for (Envelope<Request> body : bodies) {
            stats.increment(Counter.BODIES_UNVERIFIED);
            if (body.message().operationUnsafe().length > settings.requestBytesMax() || body.message().readOnly()) {
                stats.increment(Counter.REQUESTS_INVALID);
                continue;
            }
            if (pool.get(body.digest()) != null) {
                continue; // authentic here already
            }
            vouchers.add(body.digest(), from);
            if (vouchers.count(body.digest()) >= quorums.weakCertificate()) {
                stats.increment(Counter.REQUESTS_VOUCHED);
                onRequest(body, false, out);
            } else {
                log.unverifiedBodyArrived(body);
            }
        }
    }

    // ------------------------------------------------------------------ requests

    private void onRequest(Envelope<Request> signed, boolean fromClient, Output out) {
        Request request = signed.message();
        stats.increment(Counter.REQUESTS_RECEIVED);
        if (request.operationUnsafe().length > settings.requestBytesMax()) {
            stats.increment(Counter.REQUESTS_INVALID);
            return;
        }
        if (request.readOnly()) {
            if (fromClient && !transfer.active()) { // answered at once on the current state, never ordered
                out.readOnly.add(new Output.ReadOnly(signed, view()));
                stats.increment(Counter.READ_ONLY_ANSWERED);
            }
            return;
        }
        // a batch that ordered this body needs it even if it will not run (its client moved on, or
        // another version of it ran first) and even if the pool is full
        boolean awaited = log.bodyArrived(signed);
        if (!clients.isNew(request.clientId(), request.requestNumber())) {
            if (fromClient && request.requestNumber() == clients.last(request.clientId())) {
                out.resendReplies.add(new Output.ResendReply(request.clientId(), request.requestNumber(), view()));
                stats.increment(Counter.REPLIES_RESENT);
            } else if (!awaited) {
                stats.increment(Counter.REQUESTS_OLD);
            }
            return;
        }
        switch (pool.add(signed, nowMillis)) {
            case DUPLICATE -> {
                stats.increment(Counter.REQUESTS_DUPLICATE);
                vouch(signed);
            }
            case FULL -> stats.increment(Counter.REQUESTS_POOL_FULL);
            case ADDED -> {
                if (awaited) {
                    pool.markOrdered(signed.digest());
                }
                vouch(signed);
            }
        }
    }

    // ------------------------------------------------------------------ agreement

    /**
     * Pre-prepares of the current view start agreement here; those of older views (retransmitted)
     * only let this replica learn batches that others commit.
     */
    private void onPrePrepare(Envelope<PrePrepare> signed) {
        PrePrepare p = signed.message();
        boolean current = p.view() == view() && !viewChanging();
        if (p.view() > view() || (current && isPrimary())) {
            stats.increment(Counter.MESSAGES_WRONG_VIEW);
            return;
        }
        if (executedAlready(p.seq())) {
            return;
        }
        if (!log.inWindow(p.seq())) {
            stats.increment(Counter.MESSAGES_OUTSIDE_WINDOW);
            return;
        }
        Envelope<PrePrepare> fixed = views.fixedProposal(p.seq(), p.view());
        if (fixed != null && !fixed.equals(signed)) {
            stats.increment(Counter.EQUIVOCATIONS_SEEN); // the NEW-VIEW decided this seq already
            return;
        }
        Slot slot = log.getOrCreate(p.seq());
        if (slot.prePrepare != null) {
            if (slot.view() == p.view() && !slot.prePrepare.equals(signed)) {
                stats.increment(Counter.EQUIVOCATIONS_SEEN);
                Digest digest = Codec.batchDigest(p);
                if (slot.commitsFor(p.view(), digest) >= quorums.weakCertificate()
                        || slot.decidedBy(digest) >= quorums.weakCertificate()) {
                    adoptDecided(slot, signed);
                }
                return;
            }
            if (slot.view() >= p.view()) {
                return;
            }
            resetSlot(slot); // a newer view's proposal replaces an older one
        }
        log.setPrePrepare(slot, signed, pool, nowMillis);
    }

    /**
     * The primary gave this replica another batch than the one f+1 replicas committed in this view,
     * or say is decided (an equivocating primary). A correct one among them prepared
     * {@code decided}, so ours can never prepare: take {@code decided} instead, keeping the votes
     * for it. This replica does not PREPARE it (it already prepared the other), but it may commit
     * and execute it once it holds 2f PREPAREs for it from others, like any prepared batch, or
     * f+1 DECIDEDs.
     */
    private void adoptDecided(Slot slot, Envelope<PrePrepare> decided) {
        Map<Integer, Envelope<Prepare>> prepares = new HashMap<>(slot.prepares);
        Map<Integer, Envelope<Commit>> commits = new HashMap<>(slot.commits);
        resetSlot(slot);
        log.setPrePrepare(slot, decided, pool, nowMillis);
        slot.prepares.putAll(prepares);
        slot.commits.putAll(commits);
        slot.accepted = true; // our PREPARE in this view went to the other batch
        for (BatchEntry e : decided.message().entries()) {
            pool.markOrdered(e.requestDigest());
        }
        stats.increment(Counter.DECIDED_BATCHES_ADOPTED);
    }

    private void onPrepare(Envelope<Prepare> signed) {
        Prepare p = signed.message();
        if (executedAlready(p.seq())) {
            return;
        }
        if (!acceptsFrom(p.replicaId(), p.seq()) || p.view() != view() || viewChanging()) {
            stats.increment(Counter.MESSAGES_WRONG_VIEW);
            return;
        }
        if (p.replicaId() == quorums.primary(p.view())) {
            stats.increment(Counter.MESSAGES_IGNORED); // the primary's pre-prepare stands for its prepare
            return;
        }
        log.getOrCreate(p.seq()).prepares.putIfAbsent(p.replicaId(), signed);
    }

    /**
     * Commits of the current view and of older ones (to learn what others committed), one per
     * replica: its latest. A replica that sent two in one view is faulty; of those, the one for
     * the batch this slot holds is kept, as it may complete that batch's certificate while the
     * other only blocks it. Each COMMIT comes from its author over its own connection.
     */
    private void onCommit(int from, Envelope<Commit> signed) {
        Commit c = signed.message();
        if (c.replicaId() != from) {
            stats.increment(Counter.MESSAGES_IGNORED); // unsigned: it counts only from its author's connection
            return;
        }
        if (executedAlready(c.seq())) {
            return;
        }
        if (!acceptsFrom(c.replicaId(), c.seq()) || c.view() > view()) {
            stats.increment(Counter.MESSAGES_WRONG_VIEW);
            return;
        }
        Slot slot = log.getOrCreate(c.seq());
        Envelope<Commit> held = slot.commits.get(c.replicaId());
        if (held == null || held.message().view() < c.view() || held.message().view() == c.view()
                && forSlotsBatch(slot, c) && !forSlotsBatch(slot, held.message())) {
            slot.commits.put(c.replicaId(), signed);
        }
    }

    /**
     * A peer says a batch is decided at a seq (in answer to our STATUS). f+1 peers saying so for the
     * same digest include a correct one, which saw it committed: this replica may execute it,
     * whatever view it is in and whether or not it can count 2f+1 COMMITs itself.
     */
    private void onDecided(int from, Decided d) {
        if (d.replicaId() != from) {
            stats.increment(Counter.MESSAGES_IGNORED); // unsigned: it counts only from its author's connection
            return;
        }
        if (executedAlready(d.seq())) {
            return;
        }
        if (!acceptsFrom(d.replicaId(), d.seq())) {
            stats.increment(Counter.MESSAGES_OUTSIDE_WINDOW);
            return;
        }
        log.getOrCreate(d.seq()).decided.put(d.replicaId(), d.batchDigest());
    }

    private static boolean forSlotsBatch(Slot slot, Commit c) {
        return slot.prePrepare != null && c.batchDigest().equals(slot.batchDigest);
    }

    /**
     * Whether {@code seq} was executed here, so that an agreement message for it is late: counted
     * (the votes of the replicas slower than the quorum, in the normal case) and dropped.
     */
    private boolean executedAlready(long seq) {
        if (seq > lastDelivered) {
            return false;
        }
        stats.increment(Counter.MESSAGES_AFTER_EXECUTION);
        return true;
    }

    private boolean acceptsFrom(int replicaId, long seq) {
        if (replicaId == id || replicaId < 0 || replicaId >= quorums.n()) {
            return false;
        }
        return log.inWindow(seq) && seq > lastDelivered;
    }

    /**
     * Clears a slot for a newer view's proposal; the requests its old batch ordered are queued
     * again (the new batch may not order them).
     */
    private void resetSlot(Slot slot) {
        if (slot.prePrepare != null && !slot.executed()) {
            pool.requeue(slot.batch().entries().stream().map(BatchEntry::requestDigest).toList(), nowMillis);
        }
        log.resetForView(slot);
    }

    /** Moves every slot as far as it can go, executes in order, and lets the primary propose. */
    private void advance(Output out) {
        for (Slot slot : log.above(lastDelivered)) {
            if (slot.prePrepare == null) {
                continue;
            }
            boolean current = slot.view() == view() && !viewChanging();
            if (current && !slot.accepted && !slot.rejected) {
                tryAccept(slot, out);
            }
            if (current && !slot.prepared && slot.matchingPrepares() >= quorums.prepares()) {
                onPrepared(slot, out);
            }
            if (!slot.committed && slot.matchingCommits() >= quorums.commits()
                    && (slot.prepared || !current)) {
                slot.committed = true; // prepared here, or learned from 2f+1 commits of an older view
            }
            if (!slot.committed && slot.decidedBy(slot.batchDigest) >= quorums.weakCertificate()) {
                slot.committed = true; // decided at a correct replica among f+1 that said so
                stats.increment(Counter.BATCHES_LEARNED_DECIDED);
            }
        }
        Slot next;
        while (!transfer.active() && (next = log.get(lastDelivered + 1)) != null && next.prePrepare != null
                && next.committed && next.missing == 0) {
            execute(next, out);
        }
        if (isPrimary() && !viewChanging() && nowMillis > 0) { // no proposal before the first tick tells the time
            propose(out);
        }
    }

    private void onPrepared(Slot slot, Output out) {
        slot.prepared = true;
        List<Envelope<Prepare>> proof = matchingPrepares(slot);
        slot.preparedProof = new PreparedProof(slot.prePrepare, proof);
        persistBatch(slot, out);
        for (Envelope<Prepare> p : proof) {
            if (p.message().replicaId() != id) {
                out.persist(slot.seq, p); // the proof must survive a restart: a view change needs it
            }
        }
        Envelope<Commit> commit = Envelope.unsigned(new Commit(id, view(), slot.seq, slot.batchDigest));
        slot.commits.put(id, commit);
        out.persist(slot.seq, commit);
        out.broadcast(commit);
    }

    static List<Envelope<Prepare>> matchingPrepares(Slot slot) {
        List<Envelope<Prepare>> proof = new ArrayList<>();
        for (Envelope<Prepare> p : slot.prepares.values()) {
            if (p.message().view() == slot.view() && p.message().batchDigest().equals(slot.batchDigest)) {
                proof.add(p);
            }
        }
        proof.sort(java.util.Comparator.comparingInt(p -> p.message().replicaId()));
        return proof;
    }

    /** Makes the pre-prepare and its bodies durable once, so a restart can execute the batch again. */
    private void persistBatch(Slot slot, Output out) {
        if (slot.batchPersisted) {
            return;
        }
        for (Envelope<Request> body : slot.bodies) {
            if (body != null) {
                out.persist(slot.seq, body);
            }
        }
        out.persist(slot.seq, slot.prePrepare);
        slot.batchPersisted = slot.missing == 0;
    }

    /** A backup validates a pre-prepare once it holds every body; valid ones get its PREPARE. */
    private void tryAccept(Slot slot, Output out) {
        if (isPrimary() || slot.missing > 0) {
            return;
        }
        PrePrepare p = slot.batch();
        boolean backedByCorrect = slot.reproposal || slot.matchingPrepares() >= quorums.weakCertificate();
        if (!backedByCorrect && log.holdsUnverified(slot)) {
            // MAC client mode: a body whose tag this replica could not check is accepted only once a
            // correct replica (one of f+1 that prepared) checked it; until then wait, do not reject
            if (!slot.awaitingBacking) {
                slot.awaitingBacking = true;
                stats.increment(Counter.PRE_PREPARES_AWAITING_BACKING);
            }
            return;
        }
        Long previousTime = timeBefore(slot.seq);
        if (!backedByCorrect && (previousTime == null || nowMillis == 0)) {
            return; // decide once the previous batch's time and the local clock are known
        }
        if (!backedByCorrect && p.timeMillis() > nowMillis + settings.clockSkewMaxMillis()) {
            return; // a time ahead of our clock may become acceptable as the clock advances
        }
        String problem = validate(slot, p, backedByCorrect ? 0 : previousTime, backedByCorrect);
        if (problem != null) {
            slot.rejected = true;
            stats.increment(Counter.PRE_PREPARES_REJECTED);
            return;
        }
        slot.accepted = true;
        if (backedByCorrect) {
            log.backedByCorrect(slot); // a correct replica checked these bodies: they may be served now
        }
        for (BatchEntry e : p.entries()) {
            pool.markOrdered(e.requestDigest());
        }
        persistBatch(slot, out);
        Envelope<Prepare> prepare = Envelope.sign(new Prepare(id, view(), slot.seq, slot.batchDigest), signer);
        slot.prepares.put(id, prepare);
        out.persist(slot.seq, prepare);
        out.broadcast(prepare);
    }

    /**
     * Why a pre-prepare is invalid, or {@code null} when it is valid. The proposed time must follow
     * the previous batch's and lie within the skew bound of the local clock — unless the proposal
     * is backed by a correct replica: re-proposed by a NEW-VIEW, or already prepared by f+1 replicas (then a
     * correct one checked the time while the proposal was live, and this replica is catching up).
     */
    private String validate(Slot slot, PrePrepare p, long previousTime, boolean backedByCorrect) {
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
        if (backedByCorrect) {
            return null;
        }
        if (p.timeMillis() <= previousTime) {
            return "time " + p.timeMillis() + " not after " + previousTime;
        }
        if (Math.abs(p.timeMillis() - nowMillis) > settings.clockSkewMaxMillis()) {
            return "time " + p.timeMillis() + " too far from local clock " + nowMillis;
        }
        return null;
    }

    /** Agreed time of the batch before {@code seq}, or {@code null} while it is not known. */
    private Long timeBefore(long seq) {
        if (seq - 1 == lastDelivered) {
            return lastDeliveredTime;
        }
        Slot previous = log.get(seq - 1);
        return previous == null || previous.prePrepare == null ? null
                : Math.max(previous.batch().timeMillis(), lastDeliveredTime);
    }

    private void execute(Slot slot, Output out) {
        PrePrepare p = slot.batch();
        // a batch learned from others' commits was never made durable here; after a restart the
        // log must say which batch ran at this seq
        persistBatch(slot, out);
        List<Envelope<Request>> fresh = new ArrayList<>(slot.bodies.size());
        for (Envelope<Request> body : slot.bodies) {
            Request r = body.message();
            vouchers.remove(body.digest());
            if (r.kind() == Request.Kind.JOIN || !SessionSettings.isStatic(r.clientId())) {
                // a Join, or a session's request: the state machine keeps these exactly-once itself, in
                // order, so its table can drop a session the moment it ends at every replica alike
                fresh.add(body);
                if (r.kind() == Request.Kind.JOIN) {
                    pool.removeBody(body.digest());
                } else {
                    pool.removeUpTo(r.clientId(), r.requestNumber()); // older or rival bodies will never be ordered
                }
                continue;
            }
            if (clients.isNew(r.clientId(), r.requestNumber())) {
                clients.markExecuted(r.clientId(), r.requestNumber());
                fresh.add(body);
            }
            pool.removeUpTo(r.clientId(), clients.last(r.clientId()));
        }
        // agreed time never goes back, whatever a (re-)proposal carries; null batches carry none
        long time = Math.max(p.timeMillis(), lastDeliveredTime);
        boolean checkpoint = slot.seq % settings.checkpointInterval() == 0;
        out.executes.add(new Execute(slot.seq, p.view(), time, p.seed(), fresh, checkpoint));
        slot.executedDigest = slot.batchDigest;
        lastDelivered = slot.seq;
        lastDeliveredTime = time;
        lastExecutionMillis = nowMillis;
        executedSinceStart = true;
        views.viewWorks();
        stats.increment(Counter.BATCHES_EXECUTED);
        stats.add(Counter.REQUESTS_EXECUTED, fresh.size());
    }

    /** Batches this primary proposed that have not yet committed here (not handed to the executor). */
    private long batchesInFlight() {
        return nextSeq - 1 - lastDelivered;
    }

    /**
     * Whether a batch may go now whatever its size: none is being agreed on and at most one
     * committed batch waits for or is in execution, or the oldest queued request has waited half
     * the relay delay. Otherwise a batch waits for {@code pipelineBatchMin} requests (or its bytes),
     * so that when execution is what requests wait for (a service whose requests cost milliseconds
     * each), the requests that arrive while one batch executes go together in the next, rather than
     * one small batch each queueing behind it, each paying the agreement's signatures, a reply
     * signature and a transaction. The bound on the wait keeps this pacing out of sight of the
     * backups: no request is relayed, and no timer runs, because the primary held it back.
     */
    private boolean mayProposeAnySize() {
        return batchesInFlight() == 0 && lastDelivered - lastExecuted <= 1
                || nowMillis - pool.oldestQueuedMillis() >= pacingWaitMaxMillis();
    }

    /** How long the primary may hold a request back for a fuller batch: half the backups' relay delay. */
    long pacingWaitMaxMillis() {
        return Math.max(1, settings.requestTimeoutMillis() / RELAY_DELAY_FRACTION / 2);
    }

    /** The primary turns queued requests into batches while the pipeline has room. */
    private void propose(Output out) {
        if (nextSeq <= lastDelivered) {
            nextSeq = lastDelivered + 1;
        }
        while (pool.hasUnordered() && batchesInFlight() < settings.inFlightBatchesMax() && log.inWindow(nextSeq)) {
            // a batch behind another waits until enough requests make it worth its signatures
            int requestsMin = mayProposeAnySize() ? 1
                    : Math.min(settings.pipelineBatchMin(), settings.batchRequestsMax());
            // a MAC-mode request waits for 2f+1 vouchers: then f+1 correct replicas told every backup it is
            // authentic, so no faulty client can make a correct primary propose what backups cannot accept
            List<Envelope<Request>> batch = pool.takeBatch(settings.batchRequestsMax(), settings.batchBytesMax(),
                    requestsMin, r -> clients.isNew(r.clientId(), r.requestNumber()),
                    r -> !r.hasAuthenticator() || vouchers.count(r.digest()) >= quorums.certificate());
            if (batch.isEmpty()) {
                return;
            }
            List<BatchEntry> entries = new ArrayList<>(batch.size());
            for (Envelope<Request> r : batch) {
                entries.add(new BatchEntry(r.message().clientId(), r.message().requestNumber(), r.digest()));
            }
            long time = Math.max(nowMillis, Math.max(lastProposedTime, lastDeliveredTime) + 1);
            Envelope<PrePrepare> signed = Envelope.sign(new PrePrepare(view(), nextSeq, time, random.nextLong(), entries),
                    signer);
            Slot slot = log.getOrCreate(nextSeq);
            if (slot.prePrepare != null) {
                resetSlot(slot); // an older view's proposal, superseded
            }
            log.setPrePrepare(slot, signed, pool, nowMillis);
            Check.that(slot.missing == 0, "primary proposed a request it does not hold");
            slot.accepted = true;
            persistBatch(slot, out);
            out.broadcast(signed);
            lastProposedTime = time;
            nextSeq++;
            stats.increment(Counter.BATCHES_PROPOSED);
        }
    }

    // ------------------------------------------------------------------ checkpoints

    /**
     * Ended sessions and answered Joins: their pending requests leave the pool (which only this
     * replica's proposals read). Their exactly-once entries live in the state machine, not in the
     * client table, which holds registered clients only.
     */
    private void forget(List<Long> clientIds) {
        for (long clientId : clientIds) {
            pool.removeUpTo(clientId, Long.MAX_VALUE);
        }
    }

    private void onExecuted(long seq, Digest stateDigest, Output out) {
        Check.that(seq == lastExecuted + 1, "executor reported %d after %d", seq, lastExecuted);
        Check.that(seq <= lastDelivered, "executor reported %d, never handed out (last %d)", seq, lastDelivered);
        lastExecuted = seq;
        if (seq % settings.checkpointInterval() != 0) {
            return;
        }
        Check.that(stateDigest != null, "checkpoint %d executed without a state digest", seq);
        ownCheckpoints.put(seq, stateDigest);
        Envelope<Checkpoint> checkpoint = Envelope.sign(new Checkpoint(id, seq, stateDigest), signer);
        checkpoints.add(checkpoint);
        out.persist(seq, checkpoint);
        out.broadcast(checkpoint);
        tryStabilize(seq, out);
    }

    /**
     * A replica restored to a checkpoint's state whose log holds no CHECKPOINT of its own for it
     * signs one now, as it would have on executing that batch: its state was restored from a
     * backup without the log (deploy/restore.sh), or it crashed between executing the batch and
     * logging the checkpoint. A whole cluster restored from one backup needs it: the window above
     * the restored state opens only once 2f+1 replicas signed that checkpoint, and nothing else
     * would make them sign it.
     */
    private void announceRestoredCheckpoint(Output out) {
        long seq = restoredCheckpoint;
        restoredCheckpoint = 0;
        Digest digest = ownCheckpoints.get(seq);
        if (seq <= lastStable || digest == null || checkpoints.of(id, seq) != null) {
            return;
        }
        Envelope<Checkpoint> checkpoint = Envelope.sign(new Checkpoint(id, seq, digest), signer);
        checkpoints.add(checkpoint);
        out.persist(seq, checkpoint);
        out.broadcast(checkpoint);
        tryStabilize(seq, out);
    }

    private void onCheckpoint(Envelope<Checkpoint> signed, Output out) {
        Checkpoint c = signed.message();
        if (c.replicaId() < 0 || c.replicaId() >= quorums.n() || c.seq() % settings.checkpointInterval() != 0) {
            stats.increment(Counter.MESSAGES_IGNORED);
            return;
        }
        if (c.seq() <= lastStable) {
            stats.increment(Counter.MESSAGES_OUTSIDE_WINDOW);
            return; // checkpoints far ahead are kept (a few per replica): they tell a lagging replica to fetch state
        }
        if (checkpoints.add(signed)) {
            tryStabilize(c.seq(), out);
        }
    }

    /**
     * A checkpoint becomes stable once 2f+1 replicas agree on its digest. If this replica has not
     * reached it (or reached a different state), it fetches that state from the agreeing peers.
     */
    private void tryStabilize(long seq, Output out) {
        if (seq <= lastStable) {
            return;
        }
        Digest agreed = checkpoints.quorumDigest(seq, quorums.stableCheckpoint());
        if (agreed == null) {
            return;
        }
        Digest own = ownCheckpoints.get(seq);
        if (own != null && own.equals(agreed)) {
            stabilize(seq, agreed, checkpoints.matching(seq, agreed), out);
            return;
        }
        if (own != null) {
            stats.increment(Counter.CHECKPOINT_DIVERGENCE); // our state differs from a quorum's: replace it
        } else if (seq < lastDelivered + settings.checkpointInterval()) {
            return; // close enough to reach it by executing
        }
        if (transfer.mayRetarget(seq)) {
            transfer.start(seq, agreed, checkpoints.matching(seq, agreed), nowMillis, out);
        }
    }

    private void stabilize(long seq, Digest digest, List<Envelope<Checkpoint>> proof, Output out) {
        lastStable = seq;
        checkpoints.stabilize(seq, digest, proof);
        ownCheckpoints.keySet().removeIf(s -> s < seq);
        log.truncate(seq);
        for (Envelope<Checkpoint> c : proof) {
            if (c.message().replicaId() != id) {
                out.persist(seq, c); // the proof outlives the log below it
            }
        }
        views.persistRecord(seq, out); // the view we are in, or asked for, must survive the discard below
        out.discardBelow = seq;
        stats.increment(Counter.CHECKPOINTS_STABLE);
    }

    // ------------------------------------------------------------------ state transfer

    private void onStateInstalled(Event.StateInstalled installed, Output out) {
        long seq = installed.seq();
        Check.that(transfer.phase() == StateTransfer.Phase.INSTALLING && transfer.target() == seq,
                "state %d installed without a transfer to it", seq);
        clients.replaceWith(installed.clientTable());
        pool.removeExecuted(clients);
        lastDelivered = seq;
        lastExecuted = seq;
        lastDeliveredTime = installed.lastAgreedTime();
        lastExecutionMillis = nowMillis;
        executedSinceStart = true;
        ownCheckpoints.keySet().removeIf(s -> s > seq); // a diverged state's checkpoints are void
        ownCheckpoints.put(seq, transfer.root());
        if (seq > lastStable) {
            stabilize(seq, transfer.root(), transfer.proof(), out);
        }
        nextSeq = Math.max(nextSeq, seq + 1);
        transfer.finished();
        stats.increment(Counter.STATE_TRANSFERS_DONE);
    }

    // ------------------------------------------------------------------ view change

    /** A backup relays a request no batch ordered after a request timeout divided by this. */
    public static final int RELAY_DELAY_FRACTION = 4;
    /** Status intervals without execution progress after which a replica behind a stable checkpoint fetches it. */
    static final int STUCK_STATUS_INTERVALS = 20;

    /**
     * Before this replica executed anything since it started, requests wait this many timeouts:
     * freshly started processes are slow (class loading, JIT), and a view change then helps nobody.
     */
    static final int STARTUP_TIMEOUT_FACTOR = 4;
    /**
     * While batches keep executing, the primary works: a request still pending after this many
     * timeouts means it is being left out on purpose (or the cluster is overloaded).
     */
    static final int WORKING_PRIMARY_TIMEOUT_FACTOR = 4;

    /**
     * A backup suspects the primary when a request it relayed waited too long unordered, or when
     * the next batch to execute waited too long (it does not prepare, or does not commit — a
     * replica that left for a view change no longer commits in this one — or nothing was proposed
     * at the next seq while later ones were). Timers count from when this replica had heard from
     * 2f peers since it started: after a whole-cluster restart, peers boot at different times, and
     * before 2f of them are up no view change could complete anyway. While changing views, the
     * view change runs its own timers.
     */
    private void checkTimers(Output out) {
        if (viewChanging()) {
            views.onTick(nowMillis, out);
            return;
        }
        if (isPrimary() || transfer.active() || quorumHeardMillis == Long.MAX_VALUE
                || checkpoints.reachedByAtLeast(quorums.certificate(), id) > lastDelivered) {
            return; // a quorum is ahead of us (we are behind, catching up), or none is up yet
        }
        long since = pool.oldestRelayed();
        String reason = "request " + pool.oldestRelayedRequest() + " relayed to the primary is still unordered";
        for (Slot slot : log.above(lastDelivered)) {
            if (slot.prePrepare != null) {
                if (slot.arrivedMillis < since) {
                    since = slot.arrivedMillis;
                    reason = slot.seq == lastDelivered + 1 ? "batch " + slot.seq + " of view " + slot.view()
                            + " does not execute (" + slot + ")"
                            : "nothing proposed at seq " + (lastDelivered + 1) + " while seq " + slot.seq + " was";
                }
                break;
            }
        }
        since = Math.max(since, quorumHeardMillis);
        long timeout = views.timeoutMillis();
        if (!executedSinceStart) {
            timeout *= STARTUP_TIMEOUT_FACTOR;
        } else if (nowMillis - lastExecutionMillis < settings.requestTimeoutMillis()) {
            timeout *= WORKING_PRIMARY_TIMEOUT_FACTOR;
        }
        if (since != Long.MAX_VALUE && nowMillis - since >= timeout) {
            views.suspect(nowMillis, reason + ", " + (nowMillis - since) + " ms", out);
        }
    }

    /** Starts the view a NEW-VIEW describes: its stable checkpoint, then its re-proposals. */
    private void startView(Envelope<NewView> newView, ViewChangeRules.Plan plan, Output out) {
        if (plan.stableSeq() > lastStable) {
            plan.stableProof().forEach(checkpoints::add);
            if (plan.stableSeq() <= lastDelivered) {
                tryStabilize(plan.stableSeq(), out); // at once, or when our own checkpoint is taken
            } else if (transfer.mayRetarget(plan.stableSeq())) {
                transfer.start(plan.stableSeq(), plan.stableDigest(), plan.stableProof(), nowMillis, out);
            }
        }
        pool.requeueAll(nowMillis);
        long maxSeq = plan.stableSeq();
        for (Slot slot : new ArrayList<>(log.all())) {
            if (!slot.executed() && slot.seq > lastStable) {
                log.resetForView(slot);
            }
        }
        for (Envelope<PrePrepare> proposal : newView.message().prePrepares()) {
            installProposal(proposal, out);
            maxSeq = Math.max(maxSeq, proposal.message().seq());
        }
        nextSeq = Math.max(maxSeq, lastDelivered) + 1;
        lastProposedTime = Math.max(lastProposedTime, Math.max(lastDeliveredTime, latestTime(newView)));
    }

    /** The latest agreed time among a NEW-VIEW's re-proposals: fresh proposals must follow it. */
    private static long latestTime(Envelope<NewView> newView) {
        long latest = 0;
        for (Envelope<PrePrepare> p : newView.message().prePrepares()) {
            latest = Math.max(latest, p.message().timeMillis());
        }
        return latest;
    }

    /** One re-proposal of a NEW-VIEW: executed ones get our votes at once, others the usual path. */
    private void installProposal(Envelope<PrePrepare> proposal, Output out) {
        long seq = proposal.message().seq();
        Slot slot = log.get(seq);
        if (slot != null && slot.executed()) {
            Digest digest = Codec.batchDigest(proposal.message());
            Check.that(digest.equals(slot.executedDigest),
                    "new view re-proposes %s at executed seq %d (executed %s)", digest, seq, slot.executedDigest);
            log.resetForView(slot);
            log.setPrePrepare(slot, proposal, pool, nowMillis);
            slot.accepted = true;
            slot.prepared = true;
            slot.committed = true;
            if (isPrimary()) {
                out.persist(seq, proposal);
            }
            voteForExecuted(slot, out);
            return;
        }
        if (seq <= lastDelivered || !log.inWindow(seq)) {
            return; // covered by a state we hold or are fetching
        }
        slot = log.getOrCreate(seq);
        if (slot.prePrepare != null) {
            resetSlot(slot);
        }
        log.setPrePrepare(slot, proposal, pool, nowMillis);
        slot.reproposal = true;
        if (isPrimary()) {
            slot.accepted = true;
            for (BatchEntry e : proposal.message().entries()) {
                pool.markOrdered(e.requestDigest());
            }
            persistBatch(slot, out);
        }
    }

    /**
     * Helps peers that have not executed the slot's batch: our prepare and commit for the new view,
     * kept in the slot so that they are retransmitted like any others.
     */
    private void voteForExecuted(Slot slot, Output out) {
        if (!isPrimary()) {
            Envelope<Prepare> prepare = Envelope.sign(new Prepare(id, view(), slot.seq, slot.executedDigest), signer);
            slot.prepares.put(id, prepare);
            out.persist(slot.seq, prepare);
            out.broadcast(prepare);
        }
        Envelope<Commit> commit = Envelope.unsigned(new Commit(id, view(), slot.seq, slot.executedDigest));
        slot.commits.put(id, commit);
        out.persist(slot.seq, commit);
        out.broadcast(commit);
    }

    // ------------------------------------------------------------------ retransmission

    private void onTick(long now, Output out) {
        Check.that(now >= nowMillis, "clock went backwards: %d after %d", now, nowMillis);
        if (nowMillis == 0) {
            // what arrived before the first tick arrived "now" as far as timers are concerned
            pool.stampUnknownArrivals(now);
            for (Slot slot : log.all()) {
                slot.arrivedMillis = Math.max(slot.arrivedMillis, now);
            }
            lastExecutionMillis = now;
            if (quorumHeardMillis != Long.MAX_VALUE) {
                quorumHeardMillis = now;
            }
            announceRestoredCheckpoint(out);
        }
        nowMillis = now;
        checkTimers(out);
        transfer.onTick(now, out);
        retransmission.fetchMissingBodies(now, out);
        retransmission.relayToPrimary(now, out);
        if (lastDelivered != progressMark) {
            progressMark = lastDelivered;
            lastProgressMillis = now;
        }
        fetchStateIfStuck(out);
        boolean stuck = (hasWork() || viewChanging()) && now - lastProgressMillis >= settings.statusIntervalMillis();
        long sinceStatus = now - lastStatusMillis;
        if ((stuck && sinceStatus >= settings.statusIntervalMillis())
                || sinceStatus >= settings.idleStatusIntervalMillis()) {
            out.broadcast(Envelope.unsigned(new Status(id, view(), viewChanging(), lastDelivered, lastStable)));
            lastStatusMillis = now;
            stats.increment(Counter.STATUS_SENT);
        }
    }

    /**
     * Execution has not moved for {@link #STUCK_STATUS_INTERVALS} status intervals although 2f+1
     * replicas hold a checkpoint above this replica's position: whatever kept it from executing
     * (a batch it cannot complete, a lost message no peer retransmits), the agreed state is the
     * way forward. Usually retransmission catches up long before.
     */
    private void fetchStateIfStuck(Output out) {
        if (transfer.active() || nowMillis - lastProgressMillis < STUCK_STATUS_INTERVALS * settings.statusIntervalMillis()) {
            return;
        }
        long target = checkpoints.highestQuorumAbove(lastDelivered, quorums.stableCheckpoint());
        if (target > 0 && transfer.mayRetarget(target)) {
            Digest agreed = checkpoints.quorumDigest(target, quorums.stableCheckpoint());
            transfer.start(target, agreed, checkpoints.matching(target, agreed), nowMillis, out);
        }
    }

    private boolean hasWork() {
        return pool.hasUnordered() || log.highestSeq() > lastDelivered;
    }

    // ------------------------------------------------------------------ views of the state

    public int id() {
        return id;
    }

    public int view() {
        return views.view();
    }

    public boolean viewChanging() {
        return views.changing();
    }

    /** Why this replica last asked for a new view (for operators' logs). */
    public String viewChangeReason() {
        return views.reason();
    }

    /**
     * Whether a replica in {@code view} (and {@code changing} to it, or not) has left
     * {@code messageView} behind: VIEW-CHANGE and NEW-VIEW messages for such a view change nothing
     * and are ignored. The one home of that rule, for the core and for the edge that drops them
     * before their signatures are checked.
     */
    public static boolean viewLeftBehind(int view, boolean changing, int messageView) {
        return messageView < view || (messageView == view && !changing);
    }

    public int clusterSize() {
        return quorums.n();
    }

    public boolean isPrimary() {
        return views.isPrimary();
    }

    public long lastDelivered() {
        return lastDelivered;
    }

    public long lastExecuted() {
        return lastExecuted;
    }

    /**
     * The highest seq up to which every batch after the last delivered one has prepared here in the
     * current view ({@link #lastDelivered()} when none has, or while the view changes). A PREPARE of
     * this view for such a seq changes nothing: the batch's prepared proof is already made, and a
     * slot keeps no vote but its own for retransmission. The edge reads this to spare those PREPAREs
     * their signature check.
     */
    public long preparedThrough() {
        long through = lastDelivered;
        if (viewChanging()) {
            return through;
        }
        Slot slot;
        while ((slot = log.get(through + 1)) != null && slot.prepared && slot.view() == view()) {
            through++;
        }
        return through;
    }

    public long lastStable() {
        return lastStable;
    }

    public long nowMillis() {
        return nowMillis;
    }

    public boolean transferringState() {
        return transfer.active();
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
        Check.that(lastStable <= lastExecuted && lastExecuted <= lastDelivered,
                "stable %d <= executed %d <= delivered %d", lastStable, lastExecuted, lastDelivered);
        Check.that(lastStable % settings.checkpointInterval() == 0, "stable checkpoint %d not at an interval",
                lastStable);
        Check.that(log.low() == lastStable, "log low watermark %d != stable %d", log.low(), lastStable);
        for (Slot s : log.all()) {
            Check.that(s.seq > lastDelivered || s.executed() || s.seq <= lastStable || s.prePrepare == null,
                    "slot %d below delivered %d but not executed", s.seq, lastDelivered);
        }
        Check.that(!isPrimary() || viewChanging() || nextSeq > lastDelivered, "primary's next seq %d at or below "
                + "delivered %d", nextSeq, lastDelivered);
        log.checkInvariants();
        pool.checkInvariants();
        vouchers.checkInvariants();
        checkpoints.checkInvariants(lastStable, quorums.n());
    }

    /** Checkpoint knowledge, for failure reports. */
    public String describeCheckpoints() {
        return "all slots " + log.all().stream().map(sl -> sl.seq + (sl.prePrepare == null ? "-" : "v" + sl.view())
                + (sl.executed() ? "x" : "")).toList() + " unordered " + pool.unorderedCount() + " oldest relayed " + (nowMillis - pool.oldestRelayed())
                + " behind " + checkpoints.reachedByAtLeast(quorums.certificate(), id) + " transfer "
                + transfer.phase() + " lastExec " + (nowMillis - lastExecutionMillis) + " " + views.describe(nowMillis)
                + ", own " + ownCheckpoints.keySet() + ", held " + checkpoints.describe() + ", proof "
                + checkpoints.stableProof().stream().map(c -> c.message().replicaId() + "@" + c.message().seq()).toList()
                + ", stats " + stats.snapshot();
    }

    /** One slot in detail, for failure reports. */
    public String describeSlot(long seq) {
        Slot slot = log.get(seq);
        if (slot == null) {
            return "no slot " + seq;
        }
        return slot + " view " + (slot.prePrepare == null ? "-" : slot.view()) + " executed " + slot.executedDigest
                + " proof " + (slot.preparedProof == null ? "-" : slot.preparedProof.view() + "/"
                + Codec.batchDigest(slot.preparedProof.prePrepare().message())) + " commits "
                + slot.commits.values().stream().map(c -> c.message().replicaId() + "@v" + c.message().view() + "="
                + c.message().batchDigest()).toList() + " decided " + slot.decided;
    }

    /** The unexecuted slots, for failure reports. */
    public String describeLog() {
        StringBuilder s = new StringBuilder();
        for (Slot slot : log.above(lastDelivered)) {
            s.append(slot).append(' ');
        }
        return s.toString();
    }

    @Override
    public String toString() {
        return "Replica[" + id + ", view=" + view() + (viewChanging() ? " (changing)" : "") + ", executed=" + lastDelivered
                + ", applied=" + lastExecuted + ", stable=" + lastStable + ", slots=" + log.slotCount() + ", pool="
                + pool.size() + (transfer.active() ? ", transfer to " + transfer.target() : "") + "]";
    }
}
