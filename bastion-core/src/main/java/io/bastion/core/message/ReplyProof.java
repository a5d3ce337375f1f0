package io.bastion.core.message;

import io.bastion.core.crypto.Digest;
import io.bastion.core.crypto.MerkleTree;

import java.nio.ByteBuffer;

/**
 * What a replica signs for a batch of replies, and how a client checks one reply against it.
 * The leaf binds (client, request number, status, result); the signed root binds the replica, view, batch
 * and leaf count. The signed bytes start with {@link #ROOT_TAG}, a code no message type uses, so
 * a reply-root signature can never pass for a message signature.
 */
public final class ReplyProof {
    public static final int ROOT_TAG = 0x80;

    private ReplyProof() {}

    /** The Merkle leaf hash of one reply. */
    public static Digest leaf(long clientId, long requestNumber, Reply.Status status, byte[] result) {
        ByteBuffer b = ByteBuffer.allocate(17 + result.length);
        b.putLong(clientId).putLong(requestNumber).put((byte) status.ordinal()).put(result);
        return MerkleTree.leafHash(b.array());
    }

    /** The bytes a replica signs for a batch of replies. */
    public static byte[] rootSignedBytes(int replicaId, int view, long seq, int leafCount, Digest root) {
        ByteBuffer b = ByteBuffer.allocate(1 + 4 + 4 + 8 + 4 + Digest.BYTES);
        b.put((byte) ROOT_TAG).putInt(replicaId).putInt(view).putLong(seq).putInt(leafCount).put(root.toBytes());
        return b.array();
    }

    /** The signed bytes a reply claims, or {@code null} when its proof does not fit its position. */
    public static byte[] claimedRootBytes(Reply reply) {
        Digest leaf = leaf(reply.clientId(), reply.requestNumber(), reply.status(), reply.resultUnsafe());
        Digest root = MerkleTree.rootFromProof(leaf, reply.leafIndex(), reply.leafCount(), reply.proof());
        return root == null ? null
                : rootSignedBytes(reply.replicaId(), reply.view(), reply.seq(), reply.leafCount(), root);
    }
}
