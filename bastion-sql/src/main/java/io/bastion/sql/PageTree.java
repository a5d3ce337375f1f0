package io.bastion.sql;

import io.bastion.core.crypto.Digest;
import io.bastion.core.crypto.MerkleTree;
import io.bastion.core.util.Check;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * The Merkle tree of a database file's pages ({@link MerkleTree}'s shape, RFC 6962), kept up to
 * date as pages change: setting a leaf costs O(log n) inner hashes when the root is next asked
 * for, growing or shrinking the file costs the new leaves. Its root equals
 * {@code MerkleTree.of(leaves).root()} (and {@link PageImage}'s for the same pages).
 *
 * <p>It keeps, for each level j, the roots of the complete subtrees of 2^j leaves that start at a
 * multiple of 2^j and end within the leaves. In an RFC 6962 tree every inner node is such a
 * subtree or lies on the path from the root to the last leaf, so the root is O(log n) hashes
 * from them. Not thread-safe.
 */
final class PageTree {
    /** The root of a tree of no pages, as {@link PageImage} gives it for an empty file. */
    static final Digest EMPTY_ROOT = MerkleTree.leafHash(new byte[0]);

    /** levels.get(j): the roots of the complete subtrees of 2^j leaves, Digest.BYTES each; level 0 holds the leaves. */
    private final List<byte[]> levels = new ArrayList<>();
    /** Leaves changed since the inner levels were last brought up to date. */
    private final BitSet stale = new BitSet();
    private int size;

    PageTree() {
        levels.add(new byte[0]);
    }

    /** A tree over {@code leaves}. */
    static PageTree of(List<Digest> leaves) {
        PageTree tree = new PageTree();
        tree.resize(leaves.size());
        for (int i = 0; i < leaves.size(); i++) {
            tree.set(i, leaves.get(i));
        }
        return tree;
    }

    int size() {
        return size;
    }

    /**
     * Makes the tree {@code pages} leaves long. Leaves beyond the old size must be {@link #set}
     * before the root is asked for; leaves beyond the new size are forgotten.
     */
    void resize(int pages) {
        Check.argument(pages >= 0, "negative page count");
        for (int level = 0; (pages >> level) > 0 || level == 0; level++) {
            if (level == levels.size()) {
                levels.add(new byte[0]);
            }
            int needed = (pages >> level) * Digest.BYTES;
            if (levels.get(level).length < needed) {
                levels.set(level, Arrays.copyOf(levels.get(level), Math.max(needed, levels.get(level).length * 2)));
            }
        }
        if (pages < size) {
            stale.clear(pages, size);
        } else {
            stale.set(size, pages);
        }
        size = pages;
    }

    /** Sets leaf {@code index} (a page's {@link MerkleTree#leafHash}). */
    void set(int index, Digest leaf) {
        Check.argument(index >= 0 && index < size, "no page " + index + " in a tree of " + size);
        leaf.copyTo(levels.get(0), index * Digest.BYTES);
        stale.set(index);
    }

    Digest leaf(int index) {
        Check.argument(index >= 0 && index < size, "no page " + index + " in a tree of " + size);
        return node(0, index);
    }

    /** The leaves, in order (a copy). */
    List<Digest> leaves() {
        Digest[] leaves = new Digest[size];
        for (int i = 0; i < size; i++) {
            leaves[i] = node(0, i);
        }
        return List.of(leaves);
    }

    /** The leaves as a view that reads the tree (valid until it next changes). */
    List<Digest> leafView() {
        return new AbstractList<>() {
            @Override
            public Digest get(int index) {
                return leaf(index);
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    Digest root() {
        if (size == 0) {
            return EMPTY_ROOT;
        }
        refresh();
        return rootOf(0, size);
    }

    /** Brings the complete subtrees above the stale leaves up to date. */
    private void refresh() {
        BitSet changed = stale;
        for (int level = 1; (size >> level) > 0; level++) {
            BitSet parents = new BitSet();
            int complete = size >> level;
            for (int i = changed.nextSetBit(0); i >= 0; i = changed.nextSetBit(i + 1)) {
                int parent = i >> 1;
                if (parent < complete) {
                    parents.set(parent);
                }
            }
            for (int p = parents.nextSetBit(0); p >= 0; p = parents.nextSetBit(p + 1)) {
                inner(node(level - 1, 2 * p), node(level - 1, 2 * p + 1)).copyTo(levels.get(level), p * Digest.BYTES);
            }
            changed = parents;
        }
        stale.clear();
    }

    /** The root of leaves [from, from + count), where {@code from} is a multiple of the largest power of two below count. */
    private Digest rootOf(int from, int count) {
        if (Integer.bitCount(count) == 1) {
            int level = Integer.numberOfTrailingZeros(count);
            return node(level, from >> level);
        }
        int left = Integer.highestOneBit(count - 1);
        return inner(rootOf(from, left), rootOf(from + left, count - left));
    }

    private Digest node(int level, int index) {
        return Digest.of(Arrays.copyOfRange(levels.get(level), index * Digest.BYTES, (index + 1) * Digest.BYTES));
    }

    /** An inner node, hashed as {@link MerkleTree} hashes one (the tree of two leaves is that node). */
    private static Digest inner(Digest left, Digest right) {
        return MerkleTree.of(List.of(left, right)).root();
    }
}
