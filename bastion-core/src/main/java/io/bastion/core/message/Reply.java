package io.bastion.core.message;

import io.bastion.core.crypto.Digest;

import java.util.Arrays;
import java.util.List;

/**
 * A replica's answer to one request. Replicas sign once per executed batch: the signature covers
 * the Merkle root of the batch's reply leaves ({@link ReplyLeaf}), and each reply carries the path
 * ({@code proof}) from its leaf to that root. {@code seq} is the batch's sequence number, or
 * {@code -1} for a read-only reply.
 */
public record Reply(int replicaId, int view, long seq, long clientId, long requestNumber, Status status, byte[] result,
                    int leafIndex, int leafCount, List<Digest> proof, byte[] batchSignature) implements Message {
    /** Who answered: the service, or Bastion itself refusing the request. */
    public enum Status {
        /** The service's answer ({@code result} is its bytes; for a Join, the encoded {@link JoinResult}). */
        OK,
        /**
         * Bastion refused the request without running the service: the session ended, or a Join
         * was refused. {@code result} is the reason, in UTF-8.
         */
        REFUSED;
    }

    public Reply {
        java.util.Objects.requireNonNull(status, "status");
        result = result.clone();
        proof = List.copyOf(proof);
        batchSignature = batchSignature.clone();
    }

    /** A service's answer ({@link Status#OK}). */
    public Reply(int replicaId, int view, long seq, long clientId, long requestNumber, byte[] result,
                 int leafIndex, int leafCount, List<Digest> proof, byte[] batchSignature) {
        this(replicaId, view, seq, clientId, requestNumber, Status.OK, result, leafIndex, leafCount, proof,
                batchSignature);
    }

    @Override
    public MessageType type() {
        return MessageType.REPLY;
    }

    @Override
    public byte[] result() {
        return result.clone();
    }

    /** The result without a copy; callers must not modify it. */
    public byte[] resultUnsafe() {
        return result;
    }

    @Override
    public byte[] batchSignature() {
        return batchSignature.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Reply r && r.replicaId == replicaId && r.view == view && r.seq == seq
                && r.clientId == clientId && r.requestNumber == requestNumber && r.status == status
                && Arrays.equals(r.result, result)
                && r.leafIndex == leafIndex && r.leafCount == leafCount && r.proof.equals(proof)
                && Arrays.equals(r.batchSignature, batchSignature);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(result) * 31 + Long.hashCode(requestNumber) * 7 + replicaId;
    }

    @Override
    public String toString() {
        return "Reply[replica=" + replicaId + ", view=" + view + ", seq=" + seq + ", client=" + clientId
                + ", number=" + requestNumber + (status == Status.OK ? "" : ", " + status) + ", " + result.length + " bytes]";
    }
}
