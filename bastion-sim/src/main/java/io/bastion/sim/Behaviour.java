package io.bastion.sim;

import io.bastion.core.crypto.Digest;
import io.bastion.core.message.BatchEntry;
import io.bastion.core.message.Checkpoint;
import io.bastion.core.message.Codec;
import io.bastion.core.message.Commit;
import io.bastion.core.message.Decided;
import io.bastion.core.message.FetchRequests;
import io.bastion.core.message.FetchState;
import io.bastion.core.message.Message;
import io.bastion.core.message.NewView;
import io.bastion.core.message.PrePrepare;
import io.bastion.core.message.Prepare;
import io.bastion.core.message.PreparedProof;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.StateChunk;
import io.bastion.core.message.StateManifest;
import io.bastion.core.message.Status;
import io.bastion.core.message.ViewChange;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongFunction;

/**
 * How a simulated replica behaves: honestly, or in one of the Byzantine ways Bastion must
 * survive. A Byzantine replica runs the honest core and rewrites what it sends, signing the
 * forgeries with its own key (it cannot forge other replicas' signatures). Colluding replicas
 * share one behaviour and pick on the same victim ({@link Context#victim}).
 */
public enum Behaviour {
    HONEST,
    /** Sends nothing at all. */
    SILENT,
    /** Answers correctly but late: everything it sends is delayed by more than the request timeout. */
    SLOW,
    /** As primary, proposes different batches to different backups. */
    EQUIVOCATE,
    /**
     * As primary, proposes a different batch (another seed) to the victim only: the others prepare
     * and commit the real one, which the victim must still learn. Colluding backups back the
     * victim's batch with their PREPAREs, COMMITs and DECIDEDs.
     */
    EQUIVOCATE_ONE,
    /**
     * As a backup, sends the victim PREPAREs, COMMITs and DECIDEDs for batches nobody proposed, the
     * others the real ones.
     */
    EQUIVOCATE_BACKUP,
    /** As primary, leaves out one client's requests (the lowest client id it sees). */
    CENSOR,
    /** As primary, proposes times far from the real clock. */
    BAD_TIME,
    /** As primary, proposes times just inside the skew bound, ahead of its clock. */
    EDGE_TIME,
    /** Prepares, commits and DECIDEDs name digests of batches nobody proposed. */
    WRONG_DIGESTS,
    /** Sends old messages again, now and then. */
    REPLAY,
    /** Checkpoints carry a wrong state digest. */
    BAD_CHECKPOINTS,
    /** Serves corrupted state manifests and chunks, and lies in its replies. */
    BAD_STATE,
    /** Serves an older checkpoint's state as if it were the one asked for, promptly. */
    STALE_STATE,
    /** Its VIEW-CHANGEs claim the initial state and no prepared batches, or carry a tampered proof. */
    FORGED_VIEW_CHANGE,
    /** As the new primary, its NEW-VIEW omits a re-proposal or invents one. */
    BAD_NEW_VIEW,
    /** With everything it sends, floods its peers with STATUS (claiming it executed nothing) and FETCHes. */
    FLOOD_PEERS;

    /** The Byzantine behaviours. */
    public static final List<Behaviour> BYZANTINE = List.of(SILENT, SLOW, EQUIVOCATE, EQUIVOCATE_ONE,
            EQUIVOCATE_BACKUP, CENSOR, BAD_TIME, EDGE_TIME, WRONG_DIGESTS, REPLAY, BAD_CHECKPOINTS, BAD_STATE,
            STALE_STATE, FORGED_VIEW_CHANGE, BAD_NEW_VIEW, FLOOD_PEERS);

    /**
     * What a Byzantine replica knows when it rewrites a message: who it is and who gets the
     * message, its randomness and history, the victim colluders pick on, the skew bound, and the
     * pre-prepare it holds for a sequence number (null if none).
     */
    record Context(int self, int to, int victim, long clockSkewMaxMillis, SplittableRandom random,
                   List<Envelope<?>> history, LongFunction<PrePrepare> heldPrePrepare) {}

    /** What replica {@code c.self()} actually sends to {@code c.to()} in place of {@code message}. */
    List<Envelope<?>> rewrite(Context c, Envelope<?> message) {
        return switch (this) {
            case HONEST, SLOW, BAD_STATE, STALE_STATE -> List.of(message);
            case SILENT -> List.of();
            case EQUIVOCATE -> List.of(reseed(c.self(), c.to(), message));
            case EQUIVOCATE_ONE -> List.of(c.to() == c.victim() ? backVictimsBatch(c, message) : message);
            case EQUIVOCATE_BACKUP -> List.of(c.to() == c.victim() ? wrongDigest(c.self(), message) : message);
            case CENSOR -> List.of(censor(c.self(), message));
            case BAD_TIME -> List.of(retime(c.self(), message, (c.random().nextBoolean() ? 1 : -1) * 3_600_000L));
            case EDGE_TIME -> List.of(retime(c.self(), message, c.clockSkewMaxMillis() - EDGE_TIME_MARGIN_MILLIS));
            case WRONG_DIGESTS -> List.of(wrongDigest(c.self(), message));
            case REPLAY -> replay(message, c.random(), c.history());
            case BAD_CHECKPOINTS -> List.of(badCheckpoint(c.self(), message));
            case FORGED_VIEW_CHANGE -> List.of(forgeViewChange(c.self(), message, c.random()));
            case BAD_NEW_VIEW -> List.of(badNewView(c.self(), message, c.random()));
            case FLOOD_PEERS -> flood(c.self(), message, c.random());
        };
    }

    /**
     * How far inside the skew bound an {@link #EDGE_TIME} primary stays: the simulated clocks are
     * at most 50 ms apart and messages take at most a few tens of milliseconds.
     */
    static final long EDGE_TIME_MARGIN_MILLIS = 150;

    /** The reply a Byzantine replica sends (a wrong result when lying about state). */
    Reply rewriteReply(Reply reply) {
        return this != BAD_STATE ? reply : new Reply(reply.replicaId(), reply.view(), reply.seq(), reply.clientId(),
                reply.requestNumber(), new byte[] {6, 6, 6}, reply.leafIndex(), reply.leafCount(), reply.proof(),
                reply.batchSignature());
    }

    /** What it serves a peer fetching state. */
    Message rewriteState(Message message, SplittableRandom random) {
        if (this != BAD_STATE) {
            return message;
        }
        return switch (message) {
            case StateChunk c -> {
                byte[] data = c.data();
                if (data.length > 0) {
                    data[random.nextInt(data.length)] ^= 1;
                }
                yield new StateChunk(c.replicaId(), c.seq(), c.index(), data);
            }
            case StateManifest m -> {
                List<Digest> leaves = new ArrayList<>(m.leaves());
                leaves.set(0, Digest.sha256(new byte[] {9}));
                yield new StateManifest(m.replicaId(), m.seq(), leaves);
            }
            default -> message;
        };
    }

    /** A different batch (another seed) for backup {@code to}: no two backups can prepare the same one. */
    private static Envelope<?> reseed(int self, int to, Envelope<?> message) {
        if (message.message() instanceof PrePrepare p) {
            return Envelope.sign(reseeded(p, to), SimulatedKeys.signer(self));
        }
        return message;
    }

    private static PrePrepare reseeded(PrePrepare p, int to) {
        return new PrePrepare(p.view(), p.seq(), p.timeMillis(), p.seed() + to, p.entries());
    }

    /**
     * Toward the victim: the primary's other batch, and a colluding backup's PREPARE and COMMIT
     * for that other batch (whose digest follows from the pre-prepare it holds).
     */
    private static Envelope<?> backVictimsBatch(Context c, Envelope<?> message) {
        return switch (message.message()) {
            case PrePrepare p -> reseed(c.self(), c.to(), message);
            case Prepare p -> {
                PrePrepare held = c.heldPrePrepare().apply(p.seq());
                yield held == null || held.view() != p.view() ? message : Envelope.sign(new Prepare(p.replicaId(), p.view(),
                        p.seq(), Codec.batchDigest(reseeded(held, c.to()))), SimulatedKeys.signer(c.self()));
            }
            case Commit m -> {
                PrePrepare held = c.heldPrePrepare().apply(m.seq());
                yield held == null || held.view() != m.view() ? message : Envelope.unsigned(new Commit(m.replicaId(),
                        m.view(), m.seq(), Codec.batchDigest(reseeded(held, c.to()))));
            }
            case Decided d -> { // "the victim's batch is decided": f colluders saying so are one short of f+1
                PrePrepare held = c.heldPrePrepare().apply(d.seq());
                yield held == null ? message
                        : Envelope.unsigned(new Decided(d.replicaId(), d.seq(), Codec.batchDigest(reseeded(held, c.to()))));
            }
            default -> message;
        };
    }

    private static Envelope<?> censor(int self, Envelope<?> message) {
        if (message.message() instanceof PrePrepare p && !p.entries().isEmpty()) {
            long victim = p.entries().stream().mapToLong(BatchEntry::clientId).min().orElseThrow();
            if (victim == Simulation.FIRST_CLIENT_ID) {
                List<BatchEntry> kept = p.entries().stream().filter(e -> e.clientId() != victim).toList();
                return Envelope.sign(new PrePrepare(p.view(), p.seq(), p.timeMillis(), p.seed(), kept),
                        SimulatedKeys.signer(self));
            }
        }
        return message;
    }

    private static Envelope<?> retime(int self, Envelope<?> message, long shiftMillis) {
        if (message.message() instanceof PrePrepare p && !p.entries().isEmpty()) {
            return Envelope.sign(new PrePrepare(p.view(), p.seq(), p.timeMillis() + shiftMillis, p.seed(), p.entries()),
                    SimulatedKeys.signer(self));
        }
        return message;
    }

    private static Envelope<?> wrongDigest(int self, Envelope<?> message) {
        Digest bogus = Digest.sha256(message.encodedUnsafe());
        return switch (message.message()) {
            case Prepare p -> Envelope.sign(new Prepare(p.replicaId(), p.view(), p.seq(), bogus), SimulatedKeys.signer(self));
            case Commit c -> Envelope.unsigned(new Commit(c.replicaId(), c.view(), c.seq(), bogus));
            case Decided d -> Envelope.unsigned(new Decided(d.replicaId(), d.seq(), bogus));
            default -> message;
        };
    }

    private static List<Envelope<?>> replay(Envelope<?> message, SplittableRandom random, List<Envelope<?>> history) {
        List<Envelope<?>> out = new ArrayList<>(List.of(message));
        if (!history.isEmpty() && random.nextInt(4) == 0) {
            out.add(history.get(random.nextInt(history.size())));
        }
        if (history.size() < 1_000) {
            history.add(message);
        } else {
            history.set(random.nextInt(history.size()), message);
        }
        return out;
    }

    private static Envelope<?> badCheckpoint(int self, Envelope<?> message) {
        if (message.message() instanceof Checkpoint c) {
            return Envelope.sign(new Checkpoint(c.replicaId(), c.seq(), Digest.sha256(c.stateDigest().toBytes())),
                    SimulatedKeys.signer(self));
        }
        return message;
    }

    /**
     * A stale VIEW-CHANGE (the initial state, nothing prepared: well formed, but it hides what
     * prepared here), or one whose first prepared proof names another batch than its prepares.
     */
    private static Envelope<?> forgeViewChange(int self, Envelope<?> message, SplittableRandom random) {
        if (!(message.message() instanceof ViewChange v)) {
            return message;
        }
        if (v.prepared().isEmpty() || random.nextBoolean()) {
            return Envelope.sign(new ViewChange(self, v.newView(), 0, Digest.ZERO, List.of(), List.of()),
                    SimulatedKeys.signer(self));
        }
        List<PreparedProof> proofs = new ArrayList<>(v.prepared());
        PreparedProof first = proofs.get(0);
        PrePrepare p = first.prePrepare().message();
        Envelope<PrePrepare> other = Envelope.sign(reseeded(p, 7), SimulatedKeys.signer(self));
        proofs.set(0, new PreparedProof(other, first.prepares()));
        return Envelope.sign(new ViewChange(self, v.newView(), v.stableSeq(), v.stableDigest(), v.checkpointProof(),
                proofs), SimulatedKeys.signer(self));
    }

    /** A NEW-VIEW without its last re-proposal, or with an invented one after the last. */
    private static Envelope<?> badNewView(int self, Envelope<?> message, SplittableRandom random) {
        if (!(message.message() instanceof NewView v)) {
            return message;
        }
        List<Envelope<PrePrepare>> proposals = new ArrayList<>(v.prePrepares());
        if (!proposals.isEmpty() && random.nextBoolean()) {
            proposals.remove(proposals.size() - 1);
        } else {
            long seq = proposals.isEmpty() ? 1 : proposals.get(proposals.size() - 1).message().seq() + 1;
            proposals.add(Envelope.sign(new PrePrepare(v.view(), seq, 0, 0, List.of()), SimulatedKeys.signer(self)));
        }
        return Envelope.sign(new NewView(v.view(), v.viewChanges(), proposals), SimulatedKeys.signer(self));
    }

    /** The message, and a STATUS claiming nothing executed, a FETCH-STATE and a FETCH-REQUESTS. */
    private static List<Envelope<?>> flood(int self, Envelope<?> message, SplittableRandom random) {
        return List.of(message,
                Envelope.unsigned(new Status(self, 0, false, 0, 0)),
                Envelope.unsigned(new FetchState(self, 8L * (1 + random.nextInt(4)), List.of())),
                Envelope.unsigned(new FetchRequests(self, List.of(Digest.sha256(new byte[] {(byte) random.nextInt()})))));
    }
}
