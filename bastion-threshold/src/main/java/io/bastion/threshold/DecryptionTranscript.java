package io.bastion.threshold;

import io.bastion.threshold.ThresholdOp.ProvenShare;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the replicated ledger holds about one threshold decryption: the ciphertexts it was asked to
 * decrypt, the epoch of the key whose verification keys its shares are proven against, every
 * replica's answer — the valid shares that made the result (the first f+1), the valid ones that came
 * later, and the rejected ones with the reason their replica was named faulty — and the plaintexts.
 * Every share carries its DLEQ proof, so that anyone can check each one offline with
 * {@link ShareChecks#problem(Group, Element, List, List, long, int, int)} and recombine the
 * plaintexts with {@link ShareChecks#plaintexts}. Immutable.
 *
 * @param usedShares     the shares that made the result, by replica (a ledger restored from format 1
 *                       kept these without proofs: {@link ProvenShare#proof()} is then null)
 * @param lateShares     valid shares that came after the result, by replica
 * @param faulty         why each replica caught with bad shares is faulty
 * @param rejectedShares the bad shares as sent, by replica (missing for one caught before a restart of
 *                       the operation)
 * @param plaintexts     {@code c2_i / c1_i^s}, or null while the decryption is pending
 */
public record DecryptionTranscript(long operation, String key, int epoch, List<ElGamal.Ciphertext> ciphertexts,
                                   Map<Integer, List<ProvenShare>> usedShares,
                                   Map<Integer, List<ProvenShare>> lateShares, Map<Integer, String> faulty,
                                   Map<Integer, List<ProvenShare>> rejectedShares, List<Element> plaintexts) {
    public DecryptionTranscript {
        ciphertexts = List.copyOf(ciphertexts);
        usedShares = copy(usedShares);
        lateShares = copy(lateShares);
        faulty = java.util.Collections.unmodifiableMap(new TreeMap<>(faulty));
        rejectedShares = copy(rejectedShares);
        plaintexts = plaintexts == null ? null : List.copyOf(plaintexts);
    }

    /** Whether the decryption is done. */
    public boolean done() {
        return plaintexts != null;
    }

    /** The ciphertexts' {@code c1}s: what each replica raises to its share. */
    public List<Element> bases() {
        return ciphertexts.stream().map(ElGamal.Ciphertext::c1).toList();
    }

    private static Map<Integer, List<ProvenShare>> copy(Map<Integer, List<ProvenShare>> shares) {
        TreeMap<Integer, List<ProvenShare>> copy = new TreeMap<>();
        shares.forEach((replica, list) -> copy.put(replica, List.copyOf(list)));
        return java.util.Collections.unmodifiableMap(copy);
    }
}
