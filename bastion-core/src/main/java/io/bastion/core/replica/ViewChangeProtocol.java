package io.bastion.core.replica;

import io.bastion.core.crypto.Signer;
import io.bastion.core.message.NewView;
import io.bastion.core.message.PrePrepare;
import io.bastion.core.message.PreparedProof;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.Status;
import io.bastion.core.message.ViewChange;
import io.bastion.core.quorum.Quorums;
import io.bastion.core.config.ProtocolSettings;
import io.bastion.core.replica.ReplicaStats.Counter;
import io.bastion.core.util.Check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One replica's view and the view-change protocol that moves it (PBFT's VIEW-CHANGE and
 * NEW-VIEW), as a state machine with an explicit {@link State}. The normal case ({@link Replica})
 * decides when to suspect the primary ({@link #suspect}); this class decides everything after:
 * what VIEW-CHANGE to send, when to follow others, when to give up on a new primary, what NEW-VIEW
 * to send or accept ({@link ViewChangeRules}), and what the view's record on disk must be. It
 * hands the start of a view back to the normal case through {@link Host#startView}.
 *
 * <p>Pure and single-threaded like the replica that owns it: time arrives as {@code nowMillis}.
 */
final class ViewChangeProtocol {
    /** Where a replica stands with respect to its view. */
    enum State {
        /** Working in {@link #view()}: its NEW-VIEW (or the start of view 0) began it. */
        NORMAL,
        /** Sent VIEW-CHANGE for {@link #view()}; fewer than 2f+1 replicas are known to want it. */
        ASKED,
        /** 2f+1 replicas want {@link #view()}: its NEW-VIEW must come before a deadline. */
        AWAITING_NEW_VIEW,
        /** Restarted while asking for {@link #view()}: says its VIEW-CHANGE again on the first tick. */
        RESTARTED
    }

    /** What the view change takes from, and does to, the rest of the replica. */
    interface Host {
        /** The prepared proofs above the stable checkpoint, for this replica's VIEW-CHANGE. */
        List<PreparedProof> preparedProofs();

        long lastStable();

        /** The stable checkpoint's digest and proof. */
        Checkpoints checkpoints();

        /** When this replica last executed a batch (a replica still learning batches waits longer). */
        long lastExecutionMillis();

        /** The normal case begins the view {@code newView} starts: its checkpoint, its re-proposals. */
        void startView(Envelope<NewView> newView, ViewChangeRules.Plan plan, Output out);
    }

    /** Doubling per failed attempt bounds how long a run of faulty primaries can stall the cluster. */
    static final int TIMEOUT_DOUBLINGS_MAX = 3;

    private final int id;
    private final Quorums quorums;
    private final long requestTimeoutMillis;
    private final Signer signer;
    private final ReplicaStats stats;
    private final ViewChangeRules rules;
    private final Host host;
    /** View changes held, this replica's own included. */
    private final ViewChangeStore held = new ViewChangeStore();

    private State state = State.NORMAL;
    private int view;
    /** When this replica asked for the view it is changing to. */
    private long askedMillis;
    /** While {@link State#AWAITING_NEW_VIEW}: when to give up on the new primary. */
    private long deadlineMillis;
    /** View changes since the last view that executed something: the timeout doubles with each. */
    private int attempts;
    /** The NEW-VIEW that started the current view, for peers that missed it. */
    private Envelope<NewView> currentNewView;
    /**
     * Its re-proposals by sequence number: in this view these are the only acceptable
     * pre-prepares for those sequence numbers, whatever the primary sends later.
     */
    private final Map<Long, Envelope<PrePrepare>> fixedProposals = new HashMap<>();
    /** Why the last view change or new view was refused (diagnostics only). */
    private String lastRejection = "";
    /** Why this replica asked for the view it is in or changing to (diagnostics only). */
    private String reason = "";

    ViewChangeProtocol(int id, Quorums quorums, ProtocolSettings settings, Signer signer, ReplicaStats stats,
                       Host host) {
        this.id = id;
        this.quorums = quorums;
        this.requestTimeoutMillis = settings.requestTimeoutMillis();
        this.signer = signer;
        this.stats = stats;
        this.rules = new ViewChangeRules(quorums, settings);
        this.host = host;
    }

    int view() {
        return view;
    }

    State state() {
        return state;
    }

    /** Whether this replica left its view and has not entered the next one yet. */
    boolean changing() {
        return state != State.NORMAL;
    }

    boolean isPrimary() {
        return quorums.primary(view) == id;
    }

    int primary() {
        return quorums.primary(view);
    }

    /** The request timeout for the next suspicion: doubled for every view change without progress. */
    long timeoutMillis() {
        return requestTimeoutMillis << Math.min(attempts, TIMEOUT_DOUBLINGS_MAX);
    }

    /** A batch executed: if the view works, the next suspicion waits the base timeout again. */
    void viewWorks() {
        if (state == State.NORMAL) {
            attempts = 0;
        }
    }

    /** The NEW-VIEW's re-proposal for {@code seq} when {@code proposalView} is the current view, else null. */
    Envelope<PrePrepare> fixedProposal(long seq, int proposalView) {
        return proposalView == view ? fixedProposals.get(seq) : null;
    }

    // ------------------------------------------------------------------ events

    /** The normal case suspects the primary of the current view for {@code why}: ask for the next one. */
    void suspect(long nowMillis, String why, Output out) {
        Check.that(state == State.NORMAL, "suspecting in state %s", state);
        reason = "suspected primary " + primary() + ": " + why;
        ask(view + 1, nowMillis, out);
    }

    /** Why this replica asked for its current view, for operators. */
    String reason() {
        return reason;
    }

    void onTick(long nowMillis, Output out) {
        switch (state) {
            case NORMAL -> { }
            case RESTARTED -> {
                state = State.ASKED;
                askedMillis = nowMillis;
                out.broadcast(held.of(id, view));
            }
            case ASKED -> {
                // as in PBFT, the wait for NEW-VIEW starts once 2f+1 replicas want this view: a
                // replica alone in a view change does not run ahead of the others
                if (held.countForView(view) >= quorums.viewChange()) {
                    state = State.AWAITING_NEW_VIEW;
                    deadlineMillis = nowMillis + timeoutMillis();
                }
            }
            case AWAITING_NEW_VIEW -> {
                if (nowMillis < deadlineMillis) {
                    return;
                }
                long lastExecution = host.lastExecutionMillis();
                if (lastExecution > askedMillis && nowMillis - lastExecution < timeoutMillis()) {
                    deadlineMillis = nowMillis + timeoutMillis(); // still learning: the cluster lives
                } else {
                    reason = "no NEW-VIEW for view " + view + " from replica " + primary() + " in time";
                    ask(view + 1, nowMillis, out);
                }
            }
        }
    }

    void onViewChange(Envelope<ViewChange> signed, long nowMillis, Output out) {
        ViewChange v = signed.message();
        if (v.replicaId() == id || Replica.viewLeftBehind(view, changing(), v.newView())) {
            stats.increment(Counter.MESSAGES_WRONG_VIEW);
            return;
        }
        String problem = rules.problem(v);
        if (problem != null) {
            stats.increment(Counter.VIEW_CHANGES_INVALID);
            lastRejection = "view change from " + v.replicaId() + ": " + problem;
            return;
        }
        if (!held.add(signed)) {
            return;
        }
        // f+1 replicas asking for higher views include a correct one: follow to the lowest of them
        int target = held.lowestViewAbove(view, id, quorums.weakCertificate());
        if (target > view) {
            reason = "f+1 replicas asked for views above " + view + " (" + held.describe() + ")";
            ask(target, nowMillis, out);
        }
        tryNewView(out);
    }

    void onNewView(Envelope<NewView> signed, Output out) {
        NewView v = signed.message();
        if (Replica.viewLeftBehind(view, changing(), v.view())) {
            stats.increment(Counter.MESSAGES_WRONG_VIEW);
            return;
        }
        String problem = rules.problem(v);
        if (problem != null) {
            stats.increment(Counter.NEW_VIEWS_INVALID);
            lastRejection = "new view " + v.view() + ": " + problem;
            return;
        }
        ViewChangeRules.Plan plan = rules.plan(v.view(), v.viewChanges().stream().map(Envelope::message).toList());
        out.persist(host.lastStable() + 1, signed);
        view = v.view();
        enter(signed, plan, out);
    }

    private void ask(int newView, long nowMillis, Output out) {
        Check.that(newView > view || (newView == view && state == State.NORMAL), "view change to %d from %d",
                newView, view);
        view = newView;
        state = State.ASKED;
        askedMillis = nowMillis;
        attempts++;
        currentNewView = null;
        fixedProposals.clear();
        Checkpoints checkpoints = host.checkpoints();
        Envelope<ViewChange> change = Envelope.sign(new ViewChange(id, newView, host.lastStable(),
                checkpoints.stableDigest(), checkpoints.stableProof(), host.preparedProofs()), signer);
        held.add(change);
        out.persist(host.lastStable() + 1, change);
        out.broadcast(change);
        stats.increment(Counter.VIEW_CHANGES_STARTED);
        tryNewView(out);
    }

    /** The new primary sends NEW-VIEW once it holds 2f+1 view changes for its view. */
    private void tryNewView(Output out) {
        if (state == State.NORMAL || !isPrimary()) {
            return;
        }
        List<Envelope<ViewChange>> chosen = held.forView(view, quorums.n(), quorums.viewChange());
        if (chosen.size() < quorums.viewChange()) {
            return;
        }
        ViewChangeRules.Plan plan = rules.plan(view, chosen.stream().map(Envelope::message).toList());
        List<Envelope<PrePrepare>> proposals = new ArrayList<>();
        for (PrePrepare p : plan.prePrepares()) {
            proposals.add(Envelope.sign(p, signer));
        }
        Envelope<NewView> newView = Envelope.sign(new NewView(view, chosen, proposals), signer);
        out.persist(host.lastStable() + 1, newView);
        out.broadcast(newView);
        stats.increment(Counter.NEW_VIEWS_SENT);
        enter(newView, plan, out);
    }

    private void enter(Envelope<NewView> newView, ViewChangeRules.Plan plan, Output out) {
        state = State.NORMAL;
        currentNewView = newView;
        fixProposals(newView);
        held.dropBelow(view + 1);
        stats.increment(Counter.NEW_VIEWS_ACCEPTED);
        host.startView(newView, plan, out);
    }

    private void fixProposals(Envelope<NewView> newView) {
        fixedProposals.clear();
        for (Envelope<PrePrepare> p : newView.message().prePrepares()) {
            fixedProposals.put(p.message().seq(), p);
        }
    }

    // ------------------------------------------------------------------ durability and retransmission

    /**
     * Makes the view this replica is in durable again at {@code seq} (before the log below it is
     * discarded): the NEW-VIEW that started it, or, while changing views, its own VIEW-CHANGE. A
     * restart must never find an older view than the one this replica voted in or asked for: a
     * vote in a view it left would break the quorum intersection view changes rely on.
     */
    void persistRecord(long seq, Output out) {
        if (state != State.NORMAL) {
            Envelope<ViewChange> own = held.of(id, view);
            Check.that(own != null, "changing to view %d without a view change of our own", view);
            out.persist(seq, own);
        } else if (currentNewView != null) {
            out.persist(seq, currentNewView);
        }
    }

    /** Whether {@link #retransmit} has view messages (large ones) for a peer that reports {@code status}. */
    boolean behindInViews(Status status) {
        boolean changing = state != State.NORMAL;
        boolean behind = status.view() < view || (status.view() == view && status.changing() && !changing);
        return behind || (status.changing() && held.of(id, status.view()) != null);
    }

    /**
     * A peer behind in views gets the NEW-VIEW of ours, or our view change (toward the f+1 rule);
     * a peer changing views gets our view change for that view, if we sent one.
     */
    void retransmit(int from, Status status, Output out) {
        boolean changing = state != State.NORMAL;
        boolean behind = status.view() < view || (status.view() == view && status.changing() && !changing);
        if (behind && !changing && currentNewView != null) {
            out.send(from, currentNewView);
        } else if (behind && changing && held.of(id, view) != null) {
            out.send(from, held.of(id, view));
        }
        Envelope<ViewChange> mine = held.of(id, status.view());
        if (status.changing() && mine != null && !(behind && changing && status.view() == view)) {
            out.send(from, mine);
        }
    }

    // ------------------------------------------------------------------ replay after a restart

    /** A pre-prepare of {@code proposalView} in the log: this replica was in that view at least. */
    void replayedVoteIn(int proposalView) {
        view = Math.max(view, proposalView);
    }

    /** This replica's own VIEW-CHANGE in the log: it was asking for that view. */
    void replayViewChange(Envelope<ViewChange> signed) {
        ViewChange v = signed.message();
        if (v.replicaId() == id && v.newView() >= view) {
            view = v.newView();
            state = State.RESTARTED;
            held.add(signed);
        }
    }

    /** A NEW-VIEW in the log: this replica entered that view. Answers whether it is the newest so far. */
    boolean replayNewView(Envelope<NewView> signed) {
        if (signed.message().view() < view) {
            return false;
        }
        view = signed.message().view();
        state = State.NORMAL;
        currentNewView = signed;
        fixProposals(signed);
        return true;
    }

    String describe(long nowMillis) {
        return "state " + state + " view " + view + " deadline " + (deadlineMillis - nowMillis) + " attempts " + attempts
                + " asked " + (nowMillis - askedMillis) + " last rejection '" + lastRejection + "', view changes "
                + held.describe();
    }
}
