package io.bastion.core.replica;

import io.bastion.core.config.ProtocolSettings;
import io.bastion.core.crypto.Digest;
import io.bastion.core.message.Checkpoint;
import io.bastion.core.message.Codec;
import io.bastion.core.message.NewView;
import io.bastion.core.message.PrePrepare;
import io.bastion.core.message.Prepare;
import io.bastion.core.message.PreparedProof;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.ViewChange;
import io.bastion.core.quorum.Quorums;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The view-change rules of PBFT as pure functions: what makes a VIEW-CHANGE well formed, which
 * PRE-PREPAREs a NEW-VIEW must carry given the VIEW-CHANGEs it is built from, and whether a
 * NEW-VIEW follows from its VIEW-CHANGEs. Signatures are checked before (MessageAuthenticator);
 * these check structure and quorums. Stateless and thread-safe.
 */
final class ViewChangeRules {
    /** The outcome of combining view changes: where the new view starts and what it re-proposes. */
    record Plan(long stableSeq, Digest stableDigest, List<Envelope<Checkpoint>> stableProof,
                List<PrePrepare> prePrepares) {}

    private final Quorums quorums;
    private final ProtocolSettings settings;

    ViewChangeRules(Quorums quorums, ProtocolSettings settings) {
        this.quorums = quorums;
        this.settings = settings;
    }

    /** Why {@code v} is not a well-formed VIEW-CHANGE, or {@code null} when it is. */
    String problem(ViewChange v) {
        if (v.newView() <= 0 || v.replicaId() < 0 || v.replicaId() >= quorums.n()) {
            return "view " + v.newView() + " from replica " + v.replicaId();
        }
        String stable = stableProblem(v.stableSeq(), v.stableDigest(), v.checkpointProof());
        if (stable != null) {
            return stable;
        }
        long previous = v.stableSeq();
        for (PreparedProof proof : v.prepared()) {
            if (proof.seq() <= previous || proof.seq() > v.stableSeq() + settings.logSize()) {
                return "prepared proof for seq " + proof.seq() + " out of order or outside the window";
            }
            previous = proof.seq();
            String problem = proofProblem(proof, v.newView());
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private String stableProblem(long seq, Digest digest, List<Envelope<Checkpoint>> proof) {
        if (seq < 0 || seq % settings.checkpointInterval() != 0) {
            return "stable checkpoint " + seq + " is not at an interval";
        }
        if (seq == 0) {
            return proof.isEmpty() ? null : "the initial state needs no checkpoint proof";
        }
        Set<Integer> signers = new HashSet<>();
        for (Envelope<Checkpoint> c : proof) {
            Checkpoint m = c.message();
            if (m.seq() != seq || !m.stateDigest().equals(digest) || !signers.add(m.replicaId())) {
                return "checkpoint proof for " + seq + " has a mismatched or repeated checkpoint";
            }
        }
        return signers.size() >= quorums.stableCheckpoint() ? null
                : "checkpoint proof for " + seq + " has " + signers.size() + " checkpoints";
    }

    private String proofProblem(PreparedProof proof, int newView) {
        PrePrepare p = proof.prePrepare().message();
        if (p.view() >= newView || p.entries().size() > settings.batchRequestsMax()) {
            return "prepared proof from view " + p.view() + " for new view " + newView;
        }
        Digest digest = Codec.batchDigest(p);
        int primary = quorums.primary(p.view());
        Set<Integer> signers = new HashSet<>();
        for (Envelope<Prepare> signed : proof.prepares()) {
            Prepare prepare = signed.message();
            if (prepare.view() != p.view() || prepare.seq() != p.seq() || !prepare.batchDigest().equals(digest)
                    || prepare.replicaId() == primary || !signers.add(prepare.replicaId())) {
                return "prepared proof for seq " + p.seq() + " has a mismatched or repeated prepare";
            }
        }
        return signers.size() >= quorums.prepares() ? null
                : "prepared proof for seq " + p.seq() + " has " + signers.size() + " prepares";
    }

    /**
     * What the primary of {@code view} must propose given well-formed view changes: start from the
     * highest stable checkpoint among them; for every seq above it up to the highest prepared one,
     * re-propose the batch prepared in the highest view, or a null batch where none prepared.
     */
    Plan plan(int view, List<ViewChange> viewChanges) {
        ViewChange highest = viewChanges.get(0);
        long maxSeq = 0;
        for (ViewChange v : viewChanges) {
            if (v.stableSeq() > highest.stableSeq()) {
                highest = v;
            }
            for (PreparedProof proof : v.prepared()) {
                maxSeq = Math.max(maxSeq, proof.seq());
            }
        }
        long minSeq = highest.stableSeq();
        List<PrePrepare> proposals = new ArrayList<>();
        for (long seq = minSeq + 1; seq <= maxSeq; seq++) {
            PreparedProof best = null;
            for (ViewChange v : viewChanges) {
                for (PreparedProof proof : v.prepared()) {
                    if (proof.seq() == seq && (best == null || proof.view() > best.view())) {
                        best = proof;
                    }
                }
            }
            proposals.add(best == null ? new PrePrepare(view, seq, 0, 0, List.of())
                    : new PrePrepare(view, seq, best.prePrepare().message().timeMillis(),
                            best.prePrepare().message().seed(), best.prePrepare().message().entries()));
        }
        return new Plan(minSeq, highest.stableDigest(), highest.checkpointProof(), proposals);
    }

    /** Why {@code newView} does not follow from the view changes it carries, or {@code null}. */
    String problem(NewView newView) {
        Set<Integer> senders = new HashSet<>();
        List<ViewChange> changes = new ArrayList<>();
        for (Envelope<ViewChange> signed : newView.viewChanges()) {
            ViewChange v = signed.message();
            if (v.newView() != newView.view() || !senders.add(v.replicaId())) {
                return "view change for view " + v.newView() + " from replica " + v.replicaId() + " in new view "
                        + newView.view();
            }
            String problem = problem(v);
            if (problem != null) {
                return problem;
            }
            changes.add(v);
        }
        if (senders.size() < quorums.viewChange()) {
            return "new view " + newView.view() + " carries " + senders.size() + " view changes";
        }
        List<PrePrepare> expected = plan(newView.view(), changes).prePrepares();
        List<PrePrepare> given = newView.prePrepares().stream().map(Envelope::message).toList();
        return expected.equals(given) ? null : "new view " + newView.view() + " proposes other batches than its view changes imply";
    }
}
