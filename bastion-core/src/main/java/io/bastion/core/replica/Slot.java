package io.bastion.core.replica;

import io.bastion.core.crypto.Digest;
import io.bastion.core.message.Commit;
import io.bastion.core.message.PrePrepare;
import io.bastion.core.message.Prepare;
import io.bastion.core.message.PreparedProof;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a replica knows about one sequence number: the pre-prepare, the request bodies it
 * orders, and the prepares and commits received (at most one per replica). Phases only move
 * forward: accepted, prepared, committed, executed.
 */
final class Slot {
    final long seq;
    Envelope<PrePrepare> prePrepare;
    Digest batchDigest;
    /** Bodies in batch order; {@code null} where still missing. */
    List<Envelope<Request>> bodies;
    int missing;

    /** This replica validated the pre-prepare (and, as a backup, sent its prepare). */
    boolean accepted;
    /** The pre-prepare failed validation here; the batch may still prepare through others. */
    boolean rejected;
    boolean prepared;
    boolean committed;
    /** Came with a NEW-VIEW: its time was checked when first proposed, so it is not checked again. */
    boolean reproposal;
    /** The pre-prepare and its bodies are durable here. */
    boolean batchPersisted;
    /** MAC client mode: waiting for f+1 PREPAREs, because a body is unverified here (counted once). */
    boolean awaitingBacking;

    /** The proof from the latest view in which this batch prepared here (survives view changes). */
    PreparedProof preparedProof;
    /** The batch digest executed at this sequence number, once executed. */
    Digest executedDigest;

    final Map<Integer, Envelope<Prepare>> prepares = new HashMap<>();
    final Map<Integer, Envelope<Commit>> commits = new HashMap<>();
    /**
     * Per peer, the batch digest it last said is decided at this seq (DECIDED). Kept across views:
     * a decided batch stays decided, whatever view this slot moves to.
     */
    final Map<Integer, Digest> decided = new HashMap<>();

    long arrivedMillis;
    long lastFetchMillis;
    int fetchAttempts;

    Slot(long seq) {
        this.seq = seq;
    }

    /** Forgets what belonged to the current view; keeps the prepared proof and what was executed. */
    void resetForView() {
        prePrepare = null;
        batchDigest = null;
        bodies = null;
        missing = 0;
        accepted = false;
        rejected = false;
        prepared = false;
        committed = false;
        reproposal = false;
        batchPersisted = false;
        awaitingBacking = false;
        prepares.clear();
        commits.clear();
        fetchAttempts = 0;
    }

    boolean executed() {
        return executedDigest != null;
    }

    PrePrepare batch() {
        return prePrepare.message();
    }

    int view() {
        return prePrepare.message().view();
    }

    int matchingPrepares() {
        int count = 0;
        for (Envelope<Prepare> p : prepares.values()) {
            if (p.message().view() == view() && p.message().batchDigest().equals(batchDigest)) {
                count++;
            }
        }
        return count;
    }

    /**
     * The largest number of commits for this slot's batch digest in any one view. Commits of an
     * older view count too: a batch committed there is decided, and every later view re-proposes it.
     */
    int matchingCommits() {
        Map<Integer, Integer> byView = new HashMap<>();
        int best = 0;
        for (Envelope<Commit> c : commits.values()) {
            if (c.message().batchDigest().equals(batchDigest)) {
                best = Math.max(best, byView.merge(c.message().view(), 1, Integer::sum));
            }
        }
        return best;
    }

    /** Commits for {@code digest} in {@code view}, one per replica. */
    int commitsFor(int view, Digest digest) {
        int count = 0;
        for (Envelope<Commit> c : commits.values()) {
            if (c.message().view() == view && c.message().batchDigest().equals(digest)) {
                count++;
            }
        }
        return count;
    }

    /** Peers that said {@code digest} is decided at this seq. */
    int decidedBy(Digest digest) {
        int count = 0;
        for (Digest d : decided.values()) {
            if (d.equals(digest)) {
                count++;
            }
        }
        return count;
    }

    List<Digest> missingDigests() {
        List<Digest> out = new ArrayList<>();
        for (int i = 0; i < bodies.size(); i++) {
            if (bodies.get(i) == null) {
                out.add(batch().entries().get(i).requestDigest());
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "Slot[" + seq + (prePrepare == null ? ", no pre-prepare" : ", " + batchDigest)
                + (accepted ? ", accepted" : "") + (rejected ? ", rejected" : "") + (prepared ? ", prepared" : "")
                + (committed ? ", committed" : "") + ", missing=" + missing + ", prepares=" + prepares.size()
                + ", commits=" + commits.size() + "]";
    }
}
