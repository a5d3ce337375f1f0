package io.bastion.core.crypto;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MerkleTreeTest {

    private static List<Digest> leaves(int n) {
        List<Digest> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(MerkleTree.leafHash(("leaf " + i).getBytes()));
        }
        return out;
    }

    /** RFC 6962 section 2.1, written out directly as the reference. */
    private static Digest reference(List<Digest> d) {
        if (d.size() == 1) {
            return d.get(0);
        }
        int k = 1;
        while (k * 2 < d.size()) {
            k *= 2;
        }
        return MerkleTree.nodeHash(reference(d.subList(0, k)), reference(d.subList(k, d.size())));
    }

    @Test
    void rootMatchesTheRfc6962Definition() {
        for (int n = 1; n <= 70; n++) {
            assertThat(MerkleTree.of(leaves(n)).root()).as("n=%d", n).isEqualTo(reference(leaves(n)));
        }
    }

    @Test
    void everyProofLeadsBackToTheRoot() {
        for (int n = 1; n <= 70; n++) {
            MerkleTree tree = MerkleTree.of(leaves(n));
            for (int i = 0; i < n; i++) {
                assertThat(MerkleTree.rootFromProof(leaves(n).get(i), i, n, tree.proof(i)))
                        .as("n=%d i=%d", n, i).isEqualTo(tree.root());
            }
        }
    }

    @Test
    void allProofsAtOnceEqualTheProofsOneByOne() {
        for (int n = 1; n <= 70; n++) {
            MerkleTree tree = MerkleTree.of(leaves(n));
            List<List<Digest>> all = tree.allProofs();
            for (int i = 0; i < n; i++) {
                assertThat(all.get(i)).as("n=%d i=%d", n, i).isEqualTo(tree.proof(i));
            }
        }
    }

    @Test
    void aProofForAnotherLeafPositionOrSizeDoesNotVerify() {
        MerkleTree tree = MerkleTree.of(leaves(13));
        List<Digest> proof = tree.proof(5);
        Digest leaf = leaves(13).get(5);
        assertThat(MerkleTree.rootFromProof(leaf, 6, 13, proof)).isNotEqualTo(tree.root());
        assertThat(MerkleTree.rootFromProof(leaves(13).get(4), 5, 13, proof)).isNotEqualTo(tree.root());
        assertThat(MerkleTree.rootFromProof(leaf, 5, 13, proof.subList(1, proof.size()))).isNull();
        assertThat(MerkleTree.rootFromProof(leaf, 13, 13, proof)).isNull();
        assertThat(MerkleTree.rootFromProof(leaf, -1, 13, proof)).isNull();
        List<Digest> tampered = new ArrayList<>(proof);
        tampered.set(0, Digest.sha256(new byte[] {1}));
        assertThat(MerkleTree.rootFromProof(leaf, 5, 13, tampered)).isNotEqualTo(tree.root());
    }
}
