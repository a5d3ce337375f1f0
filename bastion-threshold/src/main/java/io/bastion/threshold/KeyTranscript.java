package io.bastion.threshold;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The public record of how a threshold key's current shares were made: its completed sharing round
 * (epoch), the qualified dealings' Feldman commitments {@code g^{a_k}} (with, for a new key, each
 * dealer's proof of knowledge of its constant term), and what the ledger derived from them — the
 * public key and every replica's verification key {@code g^{x_i}}. No secret: the share boxes are
 * left out. {@link #problems()} repeats the derivation, so anyone holding a transcript can check,
 * without the cluster, that the public key and the verification keys follow from the dealings.
 *
 * <p>For a new key (epoch 0, or a key generation started again) the public key is the sum of the
 * dealers' constant terms and each verification key the sum of the dealers' polynomials evaluated in
 * the exponent. For a reshare each dealer shared its own share, so the dealings count with the
 * dealers' Lagrange coefficients; the dealers' constant terms are their verification keys of the
 * epoch before, which the ledger checked when it accepted the dealings and a transcript of one epoch
 * cannot show. Immutable.
 *
 * @param replicas  n, the number of replicas (and of verification keys)
 * @param threshold f+1: the shares a decryption needs, and the commitments of each dealing
 * @param reshare   whether the epoch was a reshare (else a key generation)
 */
public record KeyTranscript(String name, Suite suite, int replicas, int threshold, int epoch, boolean reshare,
                            Element publicKey, List<Dealing> dealings, List<Element> verificationKeys) {
    /**
     * One qualified dealing: its dealer, its commitments {@code g^{a_0}, …, g^{a_f}}, and for a key
     * generation the dealer's Schnorr proof of knowledge of {@code a_0} (null for a reshare).
     */
    public record Dealing(int dealer, List<Element> commitments, SchnorrProof proof) {
        public Dealing {
            commitments = List.copyOf(commitments);
        }
    }

    public KeyTranscript {
        dealings = List.copyOf(dealings);
        verificationKeys = List.copyOf(verificationKeys);
    }

    /**
     * What does not follow from the dealings, one sentence each; empty when the public key and every
     * verification key are exactly what the dealings give (and, for a key generation, every proof of
     * knowledge verifies).
     */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        Group g = suite.group();
        TreeSet<Integer> dealers = new TreeSet<>();
        for (Dealing d : dealings) {
            if (d.dealer() < 0 || d.dealer() >= replicas || !dealers.add(d.dealer())) {
                problems.add("dealer " + d.dealer() + " is not one of replicas 0.." + (replicas - 1) + " dealing once");
            } else if (d.commitments().size() != threshold) {
                problems.add("replica " + d.dealer() + "'s dealing has " + d.commitments().size()
                        + " commitments, not " + threshold);
            } else if (d.commitments().stream().anyMatch(c -> c.group() != g)) {
                problems.add("replica " + d.dealer() + "'s commitments are not in " + g);
            } else if (!reshare && (d.proof() == null || !d.proof().verifies(d.commitments().get(0),
                    Dealings.dealContext(name, suite, epoch, d.dealer())))) {
                problems.add("replica " + d.dealer() + "'s proof of knowledge of its constant term does not verify");
            }
        }
        int needed = reshare ? threshold : 1;
        if (dealings.size() < needed) {
            problems.add(dealings.size() + " qualified dealings; " + (reshare ? "a reshare" : "a key generation")
                    + " needs at least " + needed);
        }
        if (verificationKeys.size() != replicas) {
            problems.add(verificationKeys.size() + " verification keys for " + replicas + " replicas");
        }
        if (!problems.isEmpty()) {
            return problems;
        }
        List<Integer> dealerIds = dealings.stream().map(Dealing::dealer).toList();
        List<List<Element>> commitments = dealings.stream().map(Dealing::commitments).toList();
        if (!publicKey.equals(constant(g, reshare, dealerIds, commitments))) {
            problems.add("the public key is not what the dealings' constant terms give");
        }
        List<Element> expected = verificationKeys(g, reshare, dealerIds, commitments, replicas);
        for (int j = 0; j < replicas; j++) {
            if (!expected.get(j).equals(verificationKeys.get(j))) {
                problems.add("replica " + j + "'s verification key is not what the dealings give");
            }
        }
        return problems;
    }

    /**
     * The key the qualified dealings make: {@code Σ w_k·C_{k,0}}, with weights 1 for a key generation
     * and the dealers' Lagrange coefficients at 0 for a reshare.
     */
    static Element constant(Group g, boolean reshare, List<Integer> dealers, List<List<Element>> commitments) {
        List<BigInteger> weights = weights(g, reshare, dealers);
        Element constant = g.identity();
        for (int k = 0; k < dealers.size(); k++) {
            constant = constant.add(commitments.get(k).get(0).multiply(weights.get(k)));
        }
        return constant;
    }

    /** Replica {@code j}'s verification key, {@code Σ w_k·F_k(j+1)} in the exponent, for every j < n. */
    static List<Element> verificationKeys(Group g, boolean reshare, List<Integer> dealers,
                                          List<List<Element>> commitments, int n) {
        List<BigInteger> weights = weights(g, reshare, dealers);
        List<Element> keys = new ArrayList<>(n);
        for (int j = 0; j < n; j++) {
            Element key = g.identity();
            for (int k = 0; k < dealers.size(); k++) {
                key = key.add(Polynomial.evaluateInExponent(commitments.get(k), BigInteger.valueOf(j + 1L))
                        .multiply(weights.get(k)));
            }
            keys.add(key);
        }
        return keys;
    }

    /**
     * How much each qualified dealing counts in a share: 1 for a new key (shares add up), the
     * Lagrange coefficient of the dealer for a reshare (dealings of old shares interpolate).
     */
    static List<BigInteger> weights(Group g, boolean reshare, List<Integer> dealers) {
        if (!reshare) {
            return dealers.stream().map(d -> BigInteger.ONE).toList();
        }
        List<BigInteger> xs = dealers.stream().map(d -> BigInteger.valueOf(d + 1L)).toList();
        return xs.stream().map(x -> Polynomial.lagrangeAtZero(g, xs, x)).toList();
    }
}
