package io.bastion.sql;

import io.bastion.core.crypto.Digest;
import io.bastion.core.crypto.MerkleTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The incremental tree against the reference: its root is MerkleTree's over the same leaves, however it got there. */
class PageTreeTest {
    @Test
    void theRootEqualsTheReferenceAfterRandomChangesGrowthAndShrinking() {
        long seed = Long.getLong("bastion.seed", new SplittableRandom().nextLong());
        SplittableRandom random = new SplittableRandom(seed);
        PageTree tree = new PageTree();
        List<Digest> reference = new ArrayList<>();
        for (int step = 0; step < 400; step++) {
            int roll = random.nextInt(10);
            if (roll < 2) { // the file grows
                int size = reference.size() + 1 + random.nextInt(roll == 0 ? 70 : 3);
                tree.resize(size);
                while (reference.size() < size) {
                    Digest leaf = leaf(random);
                    tree.set(reference.size(), leaf);
                    reference.add(leaf);
                }
            } else if (roll == 2 && !reference.isEmpty()) { // the file shrinks (a smaller state installed)
                int size = random.nextInt(reference.size() + 1);
                tree.resize(size);
                reference.subList(size, reference.size()).clear();
            } else if (!reference.isEmpty()) { // pages change
                for (int n = 1 + random.nextInt(8); n > 0; n--) {
                    int index = random.nextInt(reference.size());
                    Digest leaf = leaf(random);
                    tree.set(index, leaf);
                    reference.set(index, leaf);
                }
            }
            if (random.nextInt(3) == 0 || step == 399) {
                Digest expected = reference.isEmpty() ? PageTree.EMPTY_ROOT : MerkleTree.of(reference).root();
                assertThat(tree.root()).as("seed %d, step %d, %d leaves", seed, step, reference.size()).isEqualTo(expected);
                assertThat(tree.leaves()).isEqualTo(reference);
            }
        }
    }

    @Test
    void everySizeUpToAFewHundredLeavesHasTheReferenceRoot() {
        SplittableRandom random = new SplittableRandom(7);
        List<Digest> leaves = new ArrayList<>();
        for (int size = 1; size <= 300; size++) {
            leaves.add(leaf(random));
            assertThat(PageTree.of(leaves).root()).as("%d leaves", size).isEqualTo(MerkleTree.of(leaves).root());
        }
    }

    @Test
    void anEmptyTreeHasTheRootPageImageGivesAnEmptyFile(@TempDir Path directory) throws Exception {
        Path empty = Files.createFile(directory.resolve("empty.db"));
        assertThat(new PageTree().root()).isEqualTo(PageImage.of(empty, SqlDatabase.PAGE_BYTES).root());
    }

    private static Digest leaf(SplittableRandom random) {
        byte[] page = new byte[16];
        random.nextBytes(page);
        return MerkleTree.leafHash(page);
    }
}
