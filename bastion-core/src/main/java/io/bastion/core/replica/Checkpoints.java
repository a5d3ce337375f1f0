package io.bastion.core.replica;

import io.bastion.core.crypto.Digest;
import io.bastion.core.message.Checkpoint;
import io.bastion.core.message.Signed;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Signed CHECKPOINT messages above the last stable checkpoint, one per replica and sequence
 * number, and the proof (the matching quorum) of the last stable one.
 */
final class Checkpoints {
    private final NavigableMap<Long, Map<Integer, Signed<Checkpoint>>> bySeq = new TreeMap<>();
    private List<Signed<Checkpoint>> stableProof = List.of();
    private Digest stableDigest = Digest.ZERO;

    /** Records a checkpoint; answers false if that replica already sent one for this seq. */
    boolean add(Signed<Checkpoint> checkpoint) {
        Map<Integer, Signed<Checkpoint>> at = bySeq.computeIfAbsent(checkpoint.message().seq(), s -> new HashMap<>());
        return at.putIfAbsent(checkpoint.message().replicaId(), checkpoint) == null;
    }

    /** The checkpoints at {@code seq} whose digest equals {@code digest}. */
    List<Signed<Checkpoint>> matching(long seq, Digest digest) {
        List<Signed<Checkpoint>> out = new ArrayList<>();
        for (Signed<Checkpoint> c : bySeq.getOrDefault(seq, Map.of()).values()) {
            if (c.message().stateDigest().equals(digest)) {
                out.add(c);
            }
        }
        return out;
    }

    /** The digest that at least {@code quorum} checkpoints at {@code seq} carry, if any. */
    Digest quorumDigest(long seq, int quorum) {
        Map<Digest, Integer> counts = new HashMap<>();
        for (Signed<Checkpoint> c : bySeq.getOrDefault(seq, Map.of()).values()) {
            if (counts.merge(c.message().stateDigest(), 1, Integer::sum) >= quorum) {
                return c.message().stateDigest();
            }
        }
        return null;
    }

    Signed<Checkpoint> of(int replicaId, long seq) {
        return bySeq.getOrDefault(seq, Map.of()).get(replicaId);
    }

    /** Makes {@code seq} stable with {@code proof}, dropping everything at or below it. */
    void stabilize(long seq, Digest digest, List<Signed<Checkpoint>> proof) {
        stableProof = List.copyOf(proof);
        stableDigest = digest;
        bySeq.headMap(seq, true).clear();
    }

    List<Signed<Checkpoint>> stableProof() {
        return stableProof;
    }

    Digest stableDigest() {
        return stableDigest;
    }

    int pendingCount() {
        return bySeq.values().stream().mapToInt(Map::size).sum();
    }
}
