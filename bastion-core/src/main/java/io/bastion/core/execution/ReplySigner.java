package io.bastion.core.execution;

import io.bastion.core.crypto.Digest;
import io.bastion.core.crypto.MerkleTree;
import io.bastion.core.crypto.Signer;
import io.bastion.core.message.Reply;
import io.bastion.core.message.ReplyProof;

import java.util.ArrayList;
import java.util.List;

/**
 * Signs all replies of a batch with one signature: over the Merkle root of their leaves. Each
 * reply carries its audit path, so a client checks it with one signature verification however
 * large the batch was. Thread-safe if the signer is.
 */
public final class ReplySigner {
    private final int replicaId;
    private final Signer signer;

    /** One reply before signing. */
    public record Unsigned(long clientId, long requestNumber, Reply.Status status, byte[] result) {
        /** A service's answer. */
        public Unsigned(long clientId, long requestNumber, byte[] result) {
            this(clientId, requestNumber, Reply.Status.OK, result);
        }
    }

    public ReplySigner(int replicaId, Signer signer) {
        this.replicaId = replicaId;
        this.signer = signer;
    }

    /** One reply on its own (a read answered at once, a cached or repeated answer): seq -1 unless given. */
    public Reply signOne(int view, long seq, long clientId, long requestNumber, Reply.Status status, byte[] result) {
        return sign(view, seq, List.of(new Unsigned(clientId, requestNumber, status, result))).get(0);
    }

    public List<Reply> sign(int view, long seq, List<Unsigned> replies) {
        if (replies.isEmpty()) {
            return List.of();
        }
        List<Digest> leaves = new ArrayList<>(replies.size());
        for (Unsigned u : replies) {
            leaves.add(ReplyProof.leaf(u.clientId(), u.requestNumber(), u.status(), u.result()));
        }
        MerkleTree tree = MerkleTree.of(leaves);
        byte[] signature = signer.sign(ReplyProof.rootSignedBytes(replicaId, view, seq, replies.size(), tree.root()));
        List<List<Digest>> proofs = tree.allProofs();
        List<Reply> signed = new ArrayList<>(replies.size());
        for (int i = 0; i < replies.size(); i++) {
            Unsigned u = replies.get(i);
            signed.add(new Reply(replicaId, view, seq, u.clientId(), u.requestNumber(), u.status(), u.result(), i, replies.size(),
                    proofs.get(i), signature));
        }
        return signed;
    }
}
