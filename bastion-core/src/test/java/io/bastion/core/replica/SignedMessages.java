package io.bastion.core.replica;

import io.bastion.core.TestKeys;
import io.bastion.core.crypto.Digest;
import io.bastion.core.message.BatchEntry;
import io.bastion.core.message.Checkpoint;
import io.bastion.core.message.Codec;
import io.bastion.core.message.PrePrepare;
import io.bastion.core.message.Prepare;
import io.bastion.core.message.PreparedProof;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.ViewChange;
import io.bastion.core.quorum.Quorums;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Protocol messages for the replica's unit tests, each signed by its sender's {@link TestKeys}
 * signer (replica i signs with key i, client c with key c), so they are what a correct sender
 * would have sent. The rules under test check structure, not signatures.
 */
final class SignedMessages {
    private SignedMessages() {}

    static Digest digest(String label) {
        return Digest.sha256(label.getBytes(StandardCharsets.UTF_8));
    }

    static Envelope<Request> request(long client, long number, int operationBytes) {
        byte[] operation = new byte[operationBytes];
        java.util.Arrays.fill(operation, (byte) number);
        return Envelope.sign(new Request(client, number, false, operation), TestKeys.signer(client));
    }

    static BatchEntry entry(Envelope<Request> request) {
        return new BatchEntry(request.message().clientId(), request.message().requestNumber(), request.digest());
    }

    static Envelope<Checkpoint> checkpoint(int replica, long seq, Digest state) {
        return Envelope.sign(new Checkpoint(replica, seq, state), TestKeys.signer(replica));
    }

    /** The checkpoints of {@code replicas} (in that order) for {@code state} at {@code seq}. */
    static List<Envelope<Checkpoint>> checkpoints(long seq, Digest state, List<Integer> replicas) {
        return replicas.stream().map(r -> checkpoint(r, seq, state)).toList();
    }

    /** Replicas {@code 0..count-1}. */
    static List<Integer> first(int count) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(i);
        }
        return out;
    }

    /** A pre-prepare signed by the primary of its view. */
    static Envelope<PrePrepare> prePrepare(Quorums q, PrePrepare p) {
        return Envelope.sign(p, TestKeys.signer(q.primary(p.view())));
    }

    static Envelope<Prepare> prepare(int replica, int view, long seq, Digest batch) {
        return Envelope.sign(new Prepare(replica, view, seq, batch), TestKeys.signer(replica));
    }

    /** The prepares for {@code p} of the first {@code count} backups of its view. */
    static List<Envelope<Prepare>> prepares(Quorums q, PrePrepare p, int count) {
        List<Envelope<Prepare>> out = new ArrayList<>();
        Digest batch = Codec.batchDigest(p);
        for (int r = 0; r < q.n() && out.size() < count; r++) {
            if (r != q.primary(p.view())) {
                out.add(prepare(r, p.view(), p.seq(), batch));
            }
        }
        return out;
    }

    /** A proof with exactly the 2f prepares a prepared certificate needs. */
    static PreparedProof prepared(Quorums q, PrePrepare p) {
        return new PreparedProof(prePrepare(q, p), prepares(q, p, q.prepares()));
    }

    static Envelope<ViewChange> signed(ViewChange v) {
        return Envelope.sign(v, TestKeys.signer(v.replicaId()));
    }

    /**
     * The view change of {@code replica} for {@code newView} from a stable checkpoint at
     * {@code stableSeq} (the digest {@code digest("state " + stableSeq)}, proved by the first 2f+1
     * replicas; the initial state at 0 needs no proof).
     */
    static ViewChange viewChange(Quorums q, int replica, int newView, long stableSeq, List<PreparedProof> prepared) {
        if (stableSeq == 0) {
            return new ViewChange(replica, newView, 0, Digest.ZERO, List.of(), prepared);
        }
        Digest state = digest("state " + stableSeq);
        return new ViewChange(replica, newView, stableSeq, state,
                checkpoints(stableSeq, state, first(q.stableCheckpoint())), prepared);
    }
}
