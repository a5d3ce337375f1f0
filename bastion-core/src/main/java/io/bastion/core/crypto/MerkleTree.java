package io.bastion.core.crypto;

import io.bastion.core.util.Check;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * A Merkle tree in the shape of RFC 6962 (Certificate Transparency): leaves and inner nodes are
 * hashed with distinct prefixes (0x00, 0x01), and a tree of n leaves splits at the largest power
 * of two below n. Used to sign many replies with one signature and, later, to verify state chunks.
 * Immutable once built.
 */
public final class MerkleTree {
    private static final byte LEAF = 0;
    private static final byte NODE = 1;

    private final List<Digest> leaves;
    private final Digest root;

    private MerkleTree(List<Digest> leaves) {
        this.leaves = List.copyOf(leaves);
        this.root = hashRange(this.leaves, 0, this.leaves.size());
    }

    /** Builds a tree over already-hashed leaves (see {@link #leafHash}). Needs at least one leaf. */
    public static MerkleTree of(List<Digest> leafHashes) {
        Check.argument(!leafHashes.isEmpty(), "a Merkle tree needs at least one leaf");
        return new MerkleTree(leafHashes);
    }

    /** The leaf hash of {@code data}: SHA-256(0x00 || data). */
    public static Digest leafHash(byte[] data) {
        return Digest.sha256(new byte[] {LEAF}, data);
    }

    static Digest nodeHash(Digest left, Digest right) {
        MessageDigest md = Digest.newSha256();
        md.update(NODE);
        left.updateInto(md);
        right.updateInto(md);
        return Digest.wrap(md.digest());
    }

    public Digest root() {
        return root;
    }

    public int size() {
        return leaves.size();
    }

    /**
     * The audit paths of every leaf, in one pass over the tree: O(n log n) hashes in total
     * (asking {@link #proof(int)} for each leaf would rehash sibling subtrees again and again).
     */
    public List<List<Digest>> allProofs() {
        List<List<Digest>> paths = new ArrayList<>(leaves.size());
        for (int i = 0; i < leaves.size(); i++) {
            paths.add(new ArrayList<>());
        }
        collectAll(0, leaves.size(), paths);
        return paths;
    }

    /** Returns the hash of leaves [from, to) and adds each subtree's sibling to its leaves' paths. */
    private Digest collectAll(int from, int to, List<List<Digest>> paths) {
        int n = to - from;
        if (n == 1) {
            return leaves.get(from);
        }
        int k = splitPoint(n);
        Digest left = collectAll(from, from + k, paths);
        Digest right = collectAll(from + k, to, paths);
        for (int i = from; i < from + k; i++) {
            paths.get(i).add(right);
        }
        for (int i = from + k; i < to; i++) {
            paths.get(i).add(left);
        }
        return nodeHash(left, right);
    }

    /** The audit path of leaf {@code index}: sibling hashes from the leaf up to the root. */
    public List<Digest> proof(int index) {
        Check.argument(index >= 0 && index < leaves.size(), "leaf index out of range: " + index);
        List<Digest> path = new ArrayList<>();
        collectPath(index, 0, leaves.size(), path);
        return path;
    }

    private void collectPath(int index, int from, int to, List<Digest> path) {
        int n = to - from;
        if (n == 1) {
            return;
        }
        int k = splitPoint(n);
        if (index < from + k) {
            collectPath(index, from, from + k, path);
            path.add(hashRange(leaves, from + k, to));
        } else {
            collectPath(index, from + k, to, path);
            path.add(hashRange(leaves, from, from + k));
        }
    }

    /**
     * Recomputes the root from a leaf hash, its index, the leaf count and its audit path; answers
     * {@code null} when the path has the wrong length for that position. Never throws on bad input.
     */
    public static Digest rootFromProof(Digest leafHash, int index, int leafCount, List<Digest> proof) {
        if (leafCount < 1 || index < 0 || index >= leafCount) {
            return null;
        }
        return climb(leafHash, index, 0, leafCount, proof, proof.size() - 1);
    }

    /** Walks down to the leaf choosing sides, consuming the path from its top (last element). */
    private static Digest climb(Digest leaf, int index, int from, int to, List<Digest> proof, int top) {
        int n = to - from;
        if (n == 1) {
            return top == -1 ? leaf : null;
        }
        if (top < 0) {
            return null;
        }
        int k = splitPoint(n);
        Digest sibling = proof.get(top);
        if (index < from + k) {
            Digest left = climb(leaf, index, from, from + k, proof, top - 1);
            return left == null ? null : nodeHash(left, sibling);
        }
        Digest right = climb(leaf, index, from + k, to, proof, top - 1);
        return right == null ? null : nodeHash(sibling, right);
    }

    private static Digest hashRange(List<Digest> leaves, int from, int to) {
        int n = to - from;
        if (n == 1) {
            return leaves.get(from);
        }
        int k = splitPoint(n);
        return nodeHash(hashRange(leaves, from, from + k), hashRange(leaves, from + k, to));
    }

    /** Largest power of two strictly less than n (n >= 2). */
    private static int splitPoint(int n) {
        return Integer.highestOneBit(n - 1);
    }
}
