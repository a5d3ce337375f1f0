package io.bastion.core.replica;

import io.bastion.core.crypto.Digest;
import io.bastion.core.message.Checkpoint;
import io.bastion.core.message.Commit;
import io.bastion.core.message.NewView;
import io.bastion.core.message.PrePrepare;
import io.bastion.core.message.Prepare;
import io.bastion.core.message.PreparedProof;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.ViewChange;
import io.bastion.core.replica.ReplicaStats.Counter;

import java.util.List;
import java.util.function.Consumer;

/**
 * Rebuilds a restarted replica from its own durable record ({@link Recovery}) so that it never
 * contradicts what it said before the crash: the restored state's position and stable checkpoint
 * first, then every logged message in order — request bodies, pre-prepares and re-proposals, its
 * own votes and the prepares of its proofs, checkpoints, and its view (a NEW-VIEW it entered, or
 * the VIEW-CHANGE it was waiting on).
 *
 * <p>Replay does not check times or signatures: everything in the log was checked when it was
 * first accepted, or was said by this replica itself.
 */
final class LogReplay {
    private final Replica r;

    private LogReplay(Replica replica) {
        this.r = replica;
    }

    /** Brings the freshly constructed {@code replica} to where {@code recovery} says it was. */
    static void replay(Replica replica, Recovery recovery) {
        new LogReplay(replica).run(recovery);
    }

    private void run(Recovery recovery) {
        r.lastDelivered = recovery.snapshotSeq();
        r.lastExecuted = recovery.snapshotSeq();
        r.lastDeliveredTime = recovery.lastAgreedTime();
        r.clients.replaceWith(recovery.clientTable());
        int interval = r.settings.checkpointInterval();
        if (recovery.snapshotSeq() > 0 && recovery.snapshotDigest() != null && recovery.snapshotSeq() % interval == 0) {
            r.ownCheckpoints.put(recovery.snapshotSeq(), recovery.snapshotDigest());
            r.restoredCheckpoint = recovery.snapshotSeq();
        }
        // stable checkpoints first: the proofs decide the window
        for (Output.Persist p : recovery.log()) {
            if (p.message().message() instanceof Checkpoint c && c.seq() <= recovery.snapshotSeq()) {
                r.checkpoints.add(p.message().as(Checkpoint.class));
            }
        }
        for (long seq = recovery.snapshotSeq() - recovery.snapshotSeq() % interval; seq > 0; seq -= interval) {
            Digest agreed = r.checkpoints.quorumDigest(seq, r.quorums.stableCheckpoint());
            if (agreed != null) {
                r.lastStable = seq;
                r.checkpoints.stabilize(seq, agreed, r.checkpoints.matching(seq, agreed));
                r.log.truncate(seq);
                break;
            }
        }
        for (Output.Persist p : recovery.log()) {
            replay(p.message());
        }
        for (Slot slot : r.log.all()) {
            if (slot.prePrepare == null) {
                continue;
            }
            // a view change must still report what prepared above the stable checkpoint
            slot.prepared = keepProofIfPrepared(slot);
            if (slot.seq <= r.lastDelivered) {
                slot.executedDigest = slot.batchDigest; // the restored state includes it
                slot.committed = true;
            }
            forgetReplayedBodies(slot);
        }
        r.nextSeq = Math.max(r.nextSeq, r.lastDelivered + 1);
    }

    private void replay(Envelope<?> signed) {
        switch (signed.message()) {
            case Request req -> r.pool.add(signed.as(Request.class), 0);
            case PrePrepare p -> replayPrePrepare(signed.as(PrePrepare.class));
            case Prepare p -> replayVote(p.seq(), p.view(), slot -> {
                slot.prepares.put(p.replicaId(), signed.as(Prepare.class));
                if (p.replicaId() == r.id) {
                    slot.accepted = true;
                }
            });
            case Commit c -> replayVote(c.seq(), c.view(), slot -> slot.commits.put(r.id, signed.as(Commit.class)));
            case Checkpoint c -> {
                if (c.seq() > r.lastStable) {
                    r.checkpoints.add(signed.as(Checkpoint.class));
                }
            }
            case ViewChange v -> r.views.replayViewChange(signed.as(ViewChange.class));
            case NewView v -> {
                if (r.views.replayNewView(signed.as(NewView.class))) {
                    for (Envelope<PrePrepare> proposal : v.prePrepares()) {
                        replayProposal(proposal);
                    }
                }
            }
            default -> r.stats.increment(Counter.MESSAGES_IGNORED);
        }
    }

    /**
     * A pre-prepare this replica accepted, proposed or executed. A slot's pre-prepare only ever
     * moves to newer views, or within a view to the batch f+1 replicas committed in place of an
     * equivocating primary's other one; so the last in the log is the one it last held — also
     * when it is older than the view the replica went on to: a batch learned from an older view's
     * commits is persisted when it executes, after this replica asked for a newer view.
     */
    private void replayPrePrepare(Envelope<PrePrepare> signed) {
        PrePrepare p = signed.message();
        if (!r.log.inWindow(p.seq())) {
            return;
        }
        r.views.replayedVoteIn(p.view());
        Slot slot = r.log.getOrCreate(p.seq());
        if (slot.prePrepare != null && slot.view() <= p.view() && !slot.prePrepare.equals(signed)) {
            keepProofIfPrepared(slot);
            r.log.resetForView(slot);
        }
        if (slot.prePrepare == null) {
            r.log.setPrePrepare(slot, signed, r.pool, 0);
            slot.batchPersisted = slot.missing == 0;
            if (r.quorums.primary(p.view()) == r.id) {
                slot.accepted = true;
                r.nextSeq = Math.max(r.nextSeq, p.seq() + 1);
                r.lastProposedTime = Math.max(r.lastProposedTime, p.timeMillis());
            }
        }
    }

    /** A NEW-VIEW's re-proposal, re-installed on restart so later votes of that view attach to it. */
    private void replayProposal(Envelope<PrePrepare> proposal) {
        long seq = proposal.message().seq();
        if (!r.log.inWindow(seq)) {
            return;
        }
        Slot slot = r.log.getOrCreate(seq);
        if (slot.prePrepare != null && slot.view() >= proposal.message().view()) {
            return;
        }
        if (slot.prePrepare != null) {
            keepProofIfPrepared(slot);
            r.log.resetForView(slot);
        }
        r.log.setPrePrepare(slot, proposal, r.pool, 0);
        slot.reproposal = true;
        if (r.quorums.primary(proposal.message().view()) == r.id) {
            slot.accepted = true;
            r.nextSeq = Math.max(r.nextSeq, seq + 1);
            r.lastProposedTime = Math.max(r.lastProposedTime, proposal.message().timeMillis());
        }
    }

    private void replayVote(long seq, int voteView, Consumer<Slot> apply) {
        Slot slot = r.log.get(seq);
        if (slot != null && slot.prePrepare != null && slot.view() == voteView) {
            apply.accept(slot);
        }
    }

    /** Records the slot's prepared proof if its durable prepares make one; says whether they did. */
    private boolean keepProofIfPrepared(Slot slot) {
        List<Envelope<Prepare>> prepares = Replica.matchingPrepares(slot);
        if (prepares.size() < r.quorums.prepares()) {
            return false;
        }
        slot.preparedProof = new PreparedProof(slot.prePrepare, prepares);
        return true;
    }

    /**
     * The bodies the log replayed into the pool: those of a batch the restored state executed are
     * done (a backup must not suspect the primary for them), those of a later batch are ordered.
     */
    private void forgetReplayedBodies(Slot slot) {
        for (Envelope<Request> body : slot.bodies) {
            if (body == null) {
                continue;
            }
            if (slot.seq > r.lastDelivered) {
                r.pool.markOrdered(body.digest());
            } else if (body.message().kind() == Request.Kind.JOIN) {
                r.pool.removeBody(body.digest());
            } else {
                r.pool.removeUpTo(body.message().clientId(), body.message().requestNumber());
            }
        }
    }
}
