package io.bastion.core.replica;

import io.bastion.core.crypto.Digest;
import io.bastion.core.message.Checkpoint;
import io.bastion.core.message.Envelope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;

import static io.bastion.core.replica.SignedMessages.checkpoint;
import static io.bastion.core.replica.SignedMessages.digest;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The checkpoints a replica holds: bounded per replica (digests per seq, newest seqs), counted
 * once per replica and digest, and cleared by a stable checkpoint. Digests are named by letters.
 */
class CheckpointsTest {
    private static final Digest A = digest("a");
    private static final Digest B = digest("b");
    private static final Digest C = digest("c");

    /**
     * Adds the checkpoints written as "replica@seq=digest ..." (digest a letter) and answers what
     * each add returned.
     */
    private static List<Boolean> add(Checkpoints checkpoints, String spec) {
        List<Boolean> added = new ArrayList<>();
        for (String c : spec.trim().split("\\s+")) {
            if (!c.isEmpty()) {
                String[] replicaRest = c.split("@");
                String[] seqDigest = replicaRest[1].split("=");
                added.add(checkpoints.add(checkpoint(Integer.parseInt(replicaRest[0]), Long.parseLong(seqDigest[0]),
                        digest(seqDigest[1]))));
            }
        }
        return added;
    }

    @Test
    void aCheckpointIsAddedOnceAndAReplicaMayHoldTwoDigestsForOneSeqButNotThree() {
        Checkpoints checkpoints = new Checkpoints();

        assertThat(add(checkpoints, "1@8=a 1@8=a 1@8=b 1@8=c 1@8=b")).containsExactly(true, false, true, false, false);

        assertThat(Checkpoints.DIGESTS_PER_REPLICA_MAX).isEqualTo(2);
        assertThat(checkpoints.matching(8, A)).containsExactly(checkpoint(1, 8, A));
        assertThat(checkpoints.matching(8, B)).containsExactly(checkpoint(1, 8, B));
        assertThat(checkpoints.matching(8, C)).isEmpty();
        assertThat(checkpoints.pendingCount()).as("replica-seq pairs").isEqualTo(1);
    }

    @Test
    void aReplicaKeepsOnlyItsNewestSeqs() {
        Checkpoints checkpoints = new Checkpoints();

        add(checkpoints, "1@4=a 1@8=a 1@12=a 1@16=a 1@20=a 2@4=a");

        assertThat(Checkpoints.SEQS_PER_REPLICA_MAX).isEqualTo(4);
        assertThat(checkpoints.of(1, 4)).as("replica 1's oldest seq gave way").isNull();
        assertThat(checkpoints.of(1, 8)).isNotNull();
        assertThat(checkpoints.of(1, 20)).isNotNull();
        assertThat(checkpoints.of(2, 4)).as("replica 2's seq 4 is its own").isNotNull();
        assertThat(checkpoints.pendingCount()).isEqualTo(5);
    }

    @Test
    void aSeqOlderThanAReplicasNewestFourIsNotKeptThoughAddAnswersTrue() {
        Checkpoints checkpoints = new Checkpoints();
        add(checkpoints, "1@8=a 1@12=a 1@16=a 1@20=a");

        assertThat(add(checkpoints, "1@4=a")).containsExactly(true);

        assertThat(checkpoints.of(1, 4)).isNull();
        assertThat(checkpoints.pendingCount()).isEqualTo(4);
    }

    @ParameterizedTest(name = "[{0}] quorum {1} at 8 -> {2}")
    @CsvSource(delimiter = ';', value = {
        // checkpoints (replica@seq=digest)       ; quorum ; digest with quorum ('-' none)
        "0@8=a 1@8=a 2@8=a                         ; 3 ; a",
        "0@8=a 1@8=a                               ; 3 ; -",
        "0@8=a 1@8=a 2@8=b 3@8=b                   ; 3 ; -",
        "0@8=a 1@8=a 2@8=a 2@8=b 3@8=b             ; 3 ; a",
        "0@8=a 1@8=b 2@8=a 2@8=b                   ; 3 ; -",
        "0@8=a 1@8=a 3@8=a 3@8=b 2@8=b             ; 3 ; a",
        "0@8=b 1@8=a 3@8=b 3@8=a 2@8=b             ; 3 ; b",
        "0@8=a 0@8=b 1@8=a 1@8=b 2@8=a 2@8=b       ; 3 ; a|b",
        "0@8=a 0@8=a 0@8=a                         ; 3 ; -",
        "0@4=a 1@4=a 2@4=a 3@8=a                   ; 1 ; a",
        "0@4=a 1@4=a 2@4=a                         ; 1 ; -",
        "0@8=a 1@8=a 2@8=a 3@8=a 4@8=a             ; 5 ; a",
        "0@8=a 1@8=a 2@8=a 3@8=a 4@8=b             ; 5 ; -",
    })
    void quorumDigestNeedsQuorumDistinctReplicasOnOneDigestAndAReplicaWithTwoDigestsCountsOnceForEach(
            String spec, int quorum, String expected) {
        Checkpoints checkpoints = new Checkpoints();
        add(checkpoints, spec);

        Digest agreed = checkpoints.quorumDigest(8, quorum);

        if (expected.equals("-")) {
            assertThat(agreed).isNull();
        } else {
            assertThat(agreed).isIn(Arrays.stream(expected.split("\\|")).map(SignedMessages::digest).toList());
            assertThat(checkpoints.matching(8, agreed)).hasSizeGreaterThanOrEqualTo(quorum)
                    .allSatisfy(c -> assertThat(c.message().stateDigest()).isEqualTo(agreed))
                    .extracting(c -> c.message().replicaId()).doesNotHaveDuplicates();
        }
    }

    @ParameterizedTest(name = "[{0}] self {1}, at least {2} -> {3}")
    @CsvSource(delimiter = ';', value = {
        // checkpoints                                 ; self ; replicas ; highest seq that many others reached
        "                                               ; 0 ; 1 ; 0",
        "1@8=a 2@16=a 3@24=a                            ; 0 ; 1 ; 24",
        "1@8=a 2@16=a 3@24=a                            ; 0 ; 2 ; 16",
        "1@8=a 2@16=a 3@24=a                            ; 0 ; 3 ; 8",
        "1@8=a 2@16=a 3@24=a                            ; 0 ; 4 ; 0",
        "0@40=a 1@8=a 2@16=a 3@24=a                     ; 0 ; 1 ; 24",
        "0@40=a 1@8=a 2@16=a 3@24=a                     ; 3 ; 1 ; 40",
        "0@40=a 1@8=a 2@16=a 3@24=a                     ; 3 ; 3 ; 8",
        "1@8=a 1@32=b 2@16=a 3@24=a                     ; 0 ; 2 ; 24",
        "1@8=a 1@8=b 2@8=c                              ; 0 ; 2 ; 8",
        "1@8=a 1@12=a 1@16=a 1@20=a 1@24=a 2@4=a        ; 0 ; 2 ; 4",
    })
    void reachedByAtLeastCountsEachOtherReplicasHighestSeqAndIgnoresSelf(String spec, int self, int replicas,
                                                                         long expected) {
        Checkpoints checkpoints = new Checkpoints();
        add(checkpoints, spec == null ? "" : spec);

        assertThat(checkpoints.reachedByAtLeast(replicas, self)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{0}] above {1} -> {2}")
    @CsvSource(delimiter = ';', value = {
        // checkpoints (quorum 3)                                   ; above ; highest quorum seq above it (0: none)
        "0@8=a 1@8=a 2@8=a                                          ; 0  ; 8",
        "0@8=a 1@8=a 2@8=a                                          ; 8  ; 0",
        "0@8=a 1@8=a 2@8=a 0@16=a 1@16=a 2@16=a                     ; 4  ; 16",
        "0@8=a 1@8=a 2@8=a 0@16=a 1@16=a 2@16=b                     ; 4  ; 8",
        "0@8=a 1@8=a 2@8=a 0@16=a 1@16=a 2@16=b 3@24=a              ; 4  ; 8",
        "0@8=a 1@8=a 2@8=a 0@16=a 1@16=a 2@16=b                     ; 8  ; 0",
        "0@8=a 1@8=a 2@8=b                                          ; 0  ; 0",
    })
    void highestQuorumAboveFindsTheHighestSeqAboveWithAQuorumOnOneDigest(String spec, long above, long expected) {
        Checkpoints checkpoints = new Checkpoints();
        add(checkpoints, spec);

        assertThat(checkpoints.highestQuorumAbove(above, 3)).isEqualTo(expected);
    }

    @Test
    void stabilizeDropsEverythingAtOrBelowTheSeqAndKeepsItsProof() {
        Checkpoints checkpoints = new Checkpoints();
        add(checkpoints, "0@8=a 1@8=a 2@8=a 3@8=b 0@16=a 1@16=c 2@4=a");
        List<Envelope<Checkpoint>> proof = checkpoints.matching(8, A);

        checkpoints.stabilize(8, A, proof);

        assertThat(checkpoints.stableDigest()).isEqualTo(A);
        assertThat(checkpoints.stableProof()).containsExactlyInAnyOrderElementsOf(proof).hasSize(3);
        assertThat(checkpoints.of(2, 4)).isNull();
        assertThat(checkpoints.of(0, 8)).isNull();
        assertThat(checkpoints.quorumDigest(8, 1)).isNull();
        assertThat(checkpoints.of(0, 16)).isNotNull();
        assertThat(checkpoints.of(1, 16)).isNotNull();
        assertThat(checkpoints.pendingCount()).isEqualTo(2);
    }

    @Test
    void beforeAnyStableCheckpointTheDigestIsZeroAndTheProofEmpty() {
        Checkpoints checkpoints = new Checkpoints();

        assertThat(checkpoints.stableDigest()).isEqualTo(Digest.ZERO);
        assertThat(checkpoints.stableProof()).isEmpty();
        assertThat(checkpoints.pendingCount()).isZero();
        assertThat(checkpoints.highestQuorumAbove(0, 1)).isZero();
        assertThat(checkpoints.reachedByAtLeast(1, 0)).isZero();
    }

    @Test
    void aByzantineReplicaSendingManySeqsCannotEvictOtherReplicasCheckpoints() {
        Checkpoints checkpoints = new Checkpoints();
        add(checkpoints, "0@8=a 1@8=a 2@8=a 0@16=a 1@16=a");

        for (long seq = 4; seq <= 4_000; seq += 4) {
            checkpoints.add(checkpoint(3, seq, B));
            checkpoints.add(checkpoint(3, seq, C));
        }

        assertThat(checkpoints.quorumDigest(8, 3)).isEqualTo(A);
        assertThat(checkpoints.matching(16, A)).hasSize(2);
        assertThat(checkpoints.reachedByAtLeast(3, 3)).isEqualTo(8);
        assertThat(checkpoints.pendingCount()).as("3 + 2 of the correct ones, 4 seqs of the Byzantine one")
                .isEqualTo(5 + Checkpoints.SEQS_PER_REPLICA_MAX);
        assertThat(checkpoints.of(3, 4_000)).isNotNull();
        assertThat(checkpoints.of(3, 4_000 - 4 * Checkpoints.SEQS_PER_REPLICA_MAX)).isNull();
    }

    /**
     * Random adds from 4 replicas (one of them flooding with high seqs and two digests), with an
     * occasional stabilize, against a reference: per replica its newest seqs, up to two digests each.
     */
    @Test
    void randomAddsKeepPerReplicaBoundsAndAgreeWithAReferenceModel() {
        for (long seed = 1; seed <= 16; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            Checkpoints checkpoints = new Checkpoints();
            Map<Integer, TreeMap<Long, TreeSet<Digest>>> model = new HashMap<>();
            long stable = 0;
            for (int step = 0; step < 300; step++) {
                int replica = random.nextInt(4);
                long seq = stable + 4L * (1 + random.nextInt(replica == 3 ? 40 : 6));
                Digest d = replica == 3 && random.nextBoolean() ? (random.nextBoolean() ? B : C)
                        : (random.nextInt(10) == 0 ? B : A);
                TreeMap<Long, TreeSet<Digest>> mine = model.computeIfAbsent(replica, r -> new TreeMap<>());
                TreeSet<Digest> digests = mine.computeIfAbsent(seq, s -> new TreeSet<>());
                boolean expected = !digests.contains(d) && digests.size() < Checkpoints.DIGESTS_PER_REPLICA_MAX;
                if (expected) {
                    digests.add(d);
                }
                while (mine.size() > Checkpoints.SEQS_PER_REPLICA_MAX) {
                    mine.pollFirstEntry();
                }
                assertThat(checkpoints.add(checkpoint(replica, seq, d))).as("seed %d step %d add", seed, step)
                        .isEqualTo(expected);
                if (random.nextInt(50) == 0) {
                    long target = checkpoints.highestQuorumAbove(stable, 3);
                    if (target > 0) {
                        Digest agreed = checkpoints.quorumDigest(target, 3);
                        checkpoints.stabilize(target, agreed, checkpoints.matching(target, agreed));
                        stable = target;
                        final long s = stable;
                        model.values().forEach(m -> m.headMap(s, true).clear());
                    }
                }
                int pairs = model.values().stream().mapToInt(TreeMap::size).sum();
                assertThat(checkpoints.pendingCount()).as("seed %d step %d pending", seed, step).isEqualTo(pairs);
                checkpoints.checkInvariants(stable, 4);
                for (var byReplica : model.entrySet()) {
                    for (var held : byReplica.getValue().entrySet()) {
                        for (Digest digest : held.getValue()) {
                            assertThat(checkpoints.matching(held.getKey(), digest))
                                    .as("seed %d step %d holds %d@%d", seed, step, byReplica.getKey(), held.getKey())
                                    .contains(checkpoint(byReplica.getKey(), held.getKey(), digest));
                        }
                    }
                }
            }
        }
    }

    /** A replica signing ever higher seqs leaves nothing behind for the seqs it gave up. */
    @Test
    void aReplicasGivenUpSeqsLeaveNothingBehind() {
        Checkpoints checkpoints = new Checkpoints();
        for (long seq = 4; seq <= 4 * 1_000; seq += 4) {
            checkpoints.add(SignedMessages.checkpoint(3, seq, SignedMessages.digest("b")));
        }
        assertThat(checkpoints.pendingCount()).isEqualTo(Checkpoints.SEQS_PER_REPLICA_MAX);
        assertThat(checkpoints.describe().trim().split(" ")).hasSize(Checkpoints.SEQS_PER_REPLICA_MAX);
    }
}
