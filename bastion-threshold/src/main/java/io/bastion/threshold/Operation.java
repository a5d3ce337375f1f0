package io.bastion.threshold;

import io.bastion.threshold.ThresholdOp.ProvenShare;

import java.math.BigInteger;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A threshold operation under way or done, in the replicated ledger: a decryption, a coin or a
 * FROST signature by key {@link #key}, the proven shares it collected so far from the replicas of
 * the key's epoch {@link #epoch}, the replicas it caught with bad shares, and its result.
 */
final class Operation {
    enum Kind { DECRYPT, COIN, SIGN }

    final long id;
    final Kind kind;
    final String key;
    /** The request: {@link ThresholdOp.Decrypt}, {@link ThresholdOp.Coin} or {@link ThresholdOp.Sign}. */
    final ThresholdOp request;
    final long createdMillis;
    int epoch;
    /**
     * The valid shares that made the result, with their proofs, by replica (decryption: one per
     * ciphertext; coin: one): the first f+1. (A ledger restored from format 1 kept no proofs: null.)
     */
    final TreeMap<Integer, List<ProvenShare>> shares = new TreeMap<>();
    /** Valid shares that came after the result: checked and kept, so that the record shows every answer. */
    final TreeMap<Integer, List<ProvenShare>> lateShares = new TreeMap<>();
    /** Why each replica caught with bad shares is faulty. */
    final TreeMap<Integer, String> faulty = new TreeMap<>();
    /** The bad shares as they were sent, by replica (in this epoch's round): anyone can check the verdict. */
    final TreeMap<Integer, List<ProvenShare>> rejectedShares = new TreeMap<>();
    byte[] result;
    long doneMillis;

    // FROST rounds: the first t commitments of a round choose the signers
    int round;
    long roundStartMillis;
    final TreeMap<Integer, ThresholdOp.FrostCommit> commitments = new TreeMap<>();
    final TreeMap<Integer, BigInteger> signatureShares = new TreeMap<>();
    /**
     * For a signature: replicas left out of the next attempt. For a decryption or coin: replicas
     * whose good shares came after the result (checked once, so a faulty one is named all the same).
     */
    final TreeSet<Integer> excluded = new TreeSet<>();

    /** The share bases, computed once (hashing to the curve costs); not part of the state, derived from it. */
    java.util.List<Element> bases;

    Operation(long id, Kind kind, String key, ThresholdOp request, long createdMillis) {
        this.id = id;
        this.kind = kind;
        this.key = key;
        this.request = request;
        this.createdMillis = createdMillis;
    }

    boolean done() {
        return result != null;
    }

    /** Starts collecting afresh (the key's shares changed, or a FROST round failed). */
    void restart(int newEpoch, long nowMillis) {
        epoch = newEpoch;
        shares.clear();
        lateShares.clear();
        rejectedShares.clear(); // proven against the old epoch's keys; the replicas stay named in faulty
        commitments.clear();
        signatureShares.clear();
        round++;
        roundStartMillis = nowMillis;
    }
}
