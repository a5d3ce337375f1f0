package io.bastion.sim;

import io.bastion.core.crypto.Digest;
import io.bastion.core.message.BatchEntry;
import io.bastion.core.message.Checkpoint;
import io.bastion.core.message.Commit;
import io.bastion.core.message.Message;
import io.bastion.core.message.PrePrepare;
import io.bastion.core.message.Prepare;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Signed;
import io.bastion.core.message.StateChunk;
import io.bastion.core.message.StateManifest;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * How a simulated replica behaves: honestly, or in one of the Byzantine ways Bastion must
 * survive. A Byzantine replica runs the honest core and rewrites what it sends, signing the
 * forgeries with its own key (it cannot forge other replicas' signatures).
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
     * As primary, proposes a different batch (another seed) to its lowest-id backup only: the
     * others prepare and commit the real one, which that backup must still learn.
     */
    EQUIVOCATE_ONE,
    /** As primary, leaves out one client's requests (the lowest client id it sees). */
    CENSOR,
    /** As primary, proposes times far from the real clock. */
    BAD_TIME,
    /** Prepares and commits name digests of batches nobody proposed. */
    WRONG_DIGESTS,
    /** Sends old messages again, now and then. */
    REPLAY,
    /** Checkpoints carry a wrong state digest. */
    BAD_CHECKPOINTS,
    /** Serves corrupted state manifests and chunks, and lies in its replies. */
    BAD_STATE;

    /** The Byzantine behaviours. */
    public static final List<Behaviour> BYZANTINE = List.of(SILENT, SLOW, EQUIVOCATE, EQUIVOCATE_ONE, CENSOR, BAD_TIME,
            WRONG_DIGESTS, REPLAY, BAD_CHECKPOINTS, BAD_STATE);

    /**
     * What replica {@code self} actually sends to {@code to} in place of {@code message};
     * {@code history} is that replica's record of what it sent (for replays).
     */
    List<Signed<?>> rewrite(int self, int to, Signed<?> message, SplittableRandom random, List<Signed<?>> history) {
        return switch (this) {
            case HONEST, SLOW -> List.of(message);
            case SILENT -> List.of();
            case EQUIVOCATE -> List.of(reseed(self, to, message));
            case EQUIVOCATE_ONE -> List.of(to == (self == 0 ? 1 : 0) ? reseed(self, to, message) : message);
            case CENSOR -> List.of(censor(self, message));
            case BAD_TIME -> List.of(retime(self, message, random));
            case WRONG_DIGESTS -> List.of(wrongDigest(self, message));
            case REPLAY -> replay(message, random, history);
            case BAD_CHECKPOINTS -> List.of(badCheckpoint(self, message));
            case BAD_STATE -> List.of(message);
        };
    }

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

    /** A different batch (another seed) for every backup: no two can prepare the same one. */
    private static Signed<?> reseed(int self, int to, Signed<?> message) {
        if (message.message() instanceof PrePrepare p) {
            return Signed.sign(new PrePrepare(p.view(), p.seq(), p.timeMillis(), p.seed() + to, p.entries()),
                    SimulatedKeys.signer(self));
        }
        return message;
    }

    private static Signed<?> censor(int self, Signed<?> message) {
        if (message.message() instanceof PrePrepare p && !p.entries().isEmpty()) {
            long victim = p.entries().stream().mapToLong(BatchEntry::clientId).min().orElseThrow();
            if (victim == Simulation.FIRST_CLIENT_ID) {
                List<BatchEntry> kept = p.entries().stream().filter(e -> e.clientId() != victim).toList();
                return Signed.sign(new PrePrepare(p.view(), p.seq(), p.timeMillis(), p.seed(), kept),
                        SimulatedKeys.signer(self));
            }
        }
        return message;
    }

    private static Signed<?> retime(int self, Signed<?> message, SplittableRandom random) {
        if (message.message() instanceof PrePrepare p && !p.entries().isEmpty()) {
            long skew = (random.nextBoolean() ? 1 : -1) * 3_600_000L;
            return Signed.sign(new PrePrepare(p.view(), p.seq(), p.timeMillis() + skew, p.seed(), p.entries()),
                    SimulatedKeys.signer(self));
        }
        return message;
    }

    private static Signed<?> wrongDigest(int self, Signed<?> message) {
        Digest bogus = Digest.sha256(message.encodedUnsafe());
        return switch (message.message()) {
            case Prepare p -> Signed.sign(new Prepare(p.replicaId(), p.view(), p.seq(), bogus), SimulatedKeys.signer(self));
            case Commit c -> Signed.sign(new Commit(c.replicaId(), c.view(), c.seq(), bogus), SimulatedKeys.signer(self));
            default -> message;
        };
    }

    private static List<Signed<?>> replay(Signed<?> message, SplittableRandom random, List<Signed<?>> history) {
        List<Signed<?>> out = new ArrayList<>(List.of(message));
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

    private static Signed<?> badCheckpoint(int self, Signed<?> message) {
        if (message.message() instanceof Checkpoint c) {
            return Signed.sign(new Checkpoint(c.replicaId(), c.seq(), Digest.sha256(c.stateDigest().toBytes())),
                    SimulatedKeys.signer(self));
        }
        return message;
    }
}
