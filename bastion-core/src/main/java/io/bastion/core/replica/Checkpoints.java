package io.bastion.core.replica;

import io.bastion.core.crypto.Digest;
import io.bastion.core.message.Checkpoint;
import io.bastion.core.message.Envelope;
import io.bastion.core.util.Check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Signed CHECKPOINT messages above the last stable checkpoint, and the proof (the matching
 * quorum) of the last stable one. A Byzantine replica may sign two digests for one sequence
 * number (and a correct copy of its checkpoint may arrive inside another replica's proof), so up
 * to {@link #DIGESTS_PER_REPLICA_MAX} digests are kept per replica and sequence number; each
 * replica counts at most once for any one digest.
 */
final class Checkpoints {
    static final int DIGESTS_PER_REPLICA_MAX = 2;
    /** Sequence numbers held per replica above the stable checkpoint: its newest ones. */
    static final int SEQS_PER_REPLICA_MAX = 4;

    private final NavigableMap<Long, Map<Integer, Map<Digest, Envelope<Checkpoint>>>> bySeq = new TreeMap<>();
    private List<Envelope<Checkpoint>> stableProof = List.of();
    private Digest stableDigest = Digest.ZERO;

    /** Records a checkpoint; answers false if it was known (or its replica sent too many digests). */
    boolean add(Envelope<Checkpoint> checkpoint) {
        Checkpoint c = checkpoint.message();
        Map<Digest, Envelope<Checkpoint>> mine = bySeq.computeIfAbsent(c.seq(), s -> new HashMap<>())
                .computeIfAbsent(c.replicaId(), r -> new HashMap<>());
        if (mine.containsKey(c.stateDigest()) || mine.size() >= DIGESTS_PER_REPLICA_MAX) {
            return false;
        }
        mine.put(c.stateDigest(), checkpoint);
        dropOldestBeyondBound(c.replicaId());
        return true;
    }

    private void dropOldestBeyondBound(int replicaId) {
        List<Long> held = new ArrayList<>();
        for (Map.Entry<Long, Map<Integer, Map<Digest, Envelope<Checkpoint>>>> e : bySeq.entrySet()) {
            if (e.getValue().containsKey(replicaId)) {
                held.add(e.getKey());
            }
        }
        for (int i = 0; i < held.size() - SEQS_PER_REPLICA_MAX; i++) {
            Map<Integer, Map<Digest, Envelope<Checkpoint>>> atSeq = bySeq.get(held.get(i));
            atSeq.remove(replicaId);
            if (atSeq.isEmpty()) {
                bySeq.remove(held.get(i)); // else a replica signing ever higher seqs grows the map
            }
        }
    }

    /**
     * The highest checkpoint sequence number that at least {@code replicas} replicas other than
     * {@code self} reached (so at least one correct one when {@code replicas} is f+1), or 0.
     */
    long reachedByAtLeast(int replicas, int self) {
        Map<Integer, Long> highest = new HashMap<>();
        bySeq.forEach((seq, byReplica) -> byReplica.keySet().forEach(r -> {
            if (r != self) {
                highest.merge(r, seq, Math::max);
            }
        }));
        List<Long> sorted = new ArrayList<>(highest.values());
        sorted.sort(java.util.Comparator.reverseOrder());
        return sorted.size() >= replicas ? sorted.get(replicas - 1) : 0;
    }

    /** The checkpoints at {@code seq} whose digest equals {@code digest}, one per replica. */
    List<Envelope<Checkpoint>> matching(long seq, Digest digest) {
        List<Envelope<Checkpoint>> out = new ArrayList<>();
        for (Map<Digest, Envelope<Checkpoint>> byDigest : bySeq.getOrDefault(seq, Map.of()).values()) {
            Envelope<Checkpoint> c = byDigest.get(digest);
            if (c != null) {
                out.add(c);
            }
        }
        return out;
    }

    /** The digest that at least {@code quorum} checkpoints at {@code seq} carry, if any. */
    Digest quorumDigest(long seq, int quorum) {
        Map<Digest, Integer> counts = new HashMap<>();
        for (Map<Digest, Envelope<Checkpoint>> byDigest : bySeq.getOrDefault(seq, Map.of()).values()) {
            for (Digest d : byDigest.keySet()) {
                if (counts.merge(d, 1, Integer::sum) >= quorum) {
                    return d;
                }
            }
        }
        return null;
    }

    /** The highest sequence number above {@code seq} whose checkpoints agree {@code quorum} times, or 0. */
    long highestQuorumAbove(long seq, int quorum) {
        for (long held : bySeq.descendingKeySet()) {
            if (held <= seq) {
                return 0;
            }
            if (quorumDigest(held, quorum) != null) {
                return held;
            }
        }
        return 0;
    }

    String describe() {
        StringBuilder s = new StringBuilder();
        bySeq.forEach((seq, m) -> s.append(seq).append(':').append(m.keySet()).append(' '));
        return s.toString();
    }

    /** One checkpoint of {@code replicaId} at {@code seq} (its own, for this replica), or null. */
    Envelope<Checkpoint> of(int replicaId, long seq) {
        Map<Digest, Envelope<Checkpoint>> byDigest = bySeq.getOrDefault(seq, Map.of()).get(replicaId);
        return byDigest == null || byDigest.isEmpty() ? null : byDigest.values().iterator().next();
    }

    /** Makes {@code seq} stable with {@code proof}, dropping everything at or below it. */
    void stabilize(long seq, Digest digest, List<Envelope<Checkpoint>> proof) {
        stableProof = List.copyOf(proof);
        stableDigest = digest;
        bySeq.headMap(seq, true).clear();
    }

    List<Envelope<Checkpoint>> stableProof() {
        return stableProof;
    }

    Digest stableDigest() {
        return stableDigest;
    }

    /** Replica and sequence number pairs held above the stable checkpoint. */
    int pendingCount() {
        return bySeq.values().stream().mapToInt(Map::size).sum();
    }

    /**
     * Checks the bounds: nothing at or below the stable checkpoint {@code stable}, at most
     * {@link #SEQS_PER_REPLICA_MAX} sequence numbers per replica and {@link #DIGESTS_PER_REPLICA_MAX}
     * digests per replica and sequence number, so at most {@code replicas * SEQS_PER_REPLICA_MAX}
     * pairs however many a Byzantine replica signs.
     */
    void checkInvariants(long stable, int replicas) {
        Check.that(bySeq.isEmpty() || bySeq.firstKey() > stable, "checkpoint %d held at or below stable %d",
                bySeq.isEmpty() ? 0 : bySeq.firstKey(), stable);
        Map<Integer, Integer> seqsByReplica = new HashMap<>();
        bySeq.forEach((seq, byReplica) -> byReplica.forEach((replica, byDigest) -> {
            Check.that(byDigest.size() <= DIGESTS_PER_REPLICA_MAX, "replica %d has %d digests at %d", replica,
                    byDigest.size(), seq);
            seqsByReplica.merge(replica, 1, Integer::sum);
        }));
        seqsByReplica.forEach((replica, seqs) -> Check.that(seqs <= SEQS_PER_REPLICA_MAX,
                "checkpoints of replica %d held at %d sequence numbers", replica, seqs));
        Check.that(pendingCount() <= replicas * SEQS_PER_REPLICA_MAX, "%d checkpoint pairs held", pendingCount());
    }
}
