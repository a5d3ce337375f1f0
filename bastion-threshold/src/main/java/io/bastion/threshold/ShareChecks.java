package io.bastion.threshold;

import io.bastion.threshold.ThresholdOp.Decrypt;
import io.bastion.threshold.ThresholdOp.ProvenShare;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decryption and coin shares: a replica raises each base (a ciphertext's {@code c1}, or the
 * coin's point) to its secret share and proves with a {@link DleqProof} that it used the share
 * behind its verification key. Any f+1 valid shares combine, by Lagrange interpolation in the
 * exponent, into the base raised to the key's secret, which no replica ever holds.
 */
public final class ShareChecks {
    private ShareChecks() {}

    static byte[] shareContext(long operation, int epoch, int replica, int index) {
        return new Wire.Writer().string("share").i64(operation).i32(epoch).i32(replica).i32(index).toBytes();
    }

    /** A replica's proven shares for {@code bases}, with its secret share {@code x}. */
    public static List<ProvenShare> make(Group g, List<Element> bases, BigInteger x, long operation, int epoch,
                                         int replica, SecureRandom random) {
        List<ProvenShare> out = new ArrayList<>(bases.size());
        Element verificationKey = g.base(x);
        for (int i = 0; i < bases.size(); i++) {
            Element base = bases.get(i);
            Element share = base.multiply(x);
            out.add(new ProvenShare(share, DleqProof.prove(g.generator(), base, verificationKey, share, x,
                    shareContext(operation, epoch, replica, i), random)));
        }
        return out;
    }

    /** Why {@code replica}'s shares are bad, or {@code null} when each is proven. */
    static String problem(KeyRecord key, Operation op, int replica, List<Element> bases, List<ProvenShare> shares) {
        if (replica >= key.verificationKeys.size()) {
            return "replica " + replica + " holds no share of " + key.name;
        }
        return problem(key.group(), key.verificationKeys.get(replica), bases, shares, op.id, op.epoch, replica);
    }

    /**
     * Why {@code replica}'s shares for operation {@code operation} of a key's epoch {@code epoch} are
     * bad, or {@code null} when each share {@code i} carries a DLEQ proof that it is {@code bases[i]}
     * raised to the secret behind {@code verificationKey}: the check every replica makes before it
     * uses a share, and that anyone can repeat offline from the public values alone.
     */
    public static String problem(Group g, Element verificationKey, List<Element> bases, List<ProvenShare> shares,
                                 long operation, int epoch, int replica) {
        if (shares.size() != bases.size()) {
            return bases.size() + " shares needed, " + shares.size() + " given";
        }
        for (int i = 0; i < bases.size(); i++) {
            ProvenShare s = shares.get(i);
            if (s.proof() == null) {
                return "share " + i + " carries no proof";
            }
            if (s.share().group() != g || !s.proof().verifies(g.generator(), bases.get(i), verificationKey, s.share(),
                    shareContext(operation, epoch, replica, i))) {
                return "share " + i + "'s proof does not verify";
            }
        }
        return null;
    }

    /** The result from the first f+1 valid shares: plaintexts of a decryption, or the coin's 32 bytes. */
    static byte[] combine(KeyRecord key, Operation op, List<Element> bases) {
        TreeMap<Integer, List<Element>> shares = new TreeMap<>();
        op.shares.forEach((replica, proven) -> shares.put(replica, proven.stream().map(ProvenShare::share).toList()));
        if (op.request instanceof Decrypt d) {
            return new Wire.Writer().list(plaintexts(d.ciphertexts(), shares), Wire.Writer::element).toBytes();
        }
        return coinValue(interpolate(key.group(), shares, bases.size()).get(0));
    }

    /**
     * The plaintexts {@code c2_i / c1_i^s} of a threshold decryption, from at least f+1 replicas'
     * shares {@code c1_i^{x_j}} (by replica {@code j}), interpolated in the exponent. Which f+1 valid
     * shares are used does not matter: any give the same.
     */
    public static List<Element> plaintexts(List<ElGamal.Ciphertext> ciphertexts, Map<Integer, List<Element>> shares) {
        Group g = ciphertexts.get(0).c1().group();
        List<Element> combined = interpolate(g, shares, ciphertexts.size());
        List<Element> plaintexts = new ArrayList<>(combined.size());
        for (int i = 0; i < combined.size(); i++) {
            plaintexts.add(ciphertexts.get(i).c2().subtract(combined.get(i)));
        }
        return plaintexts;
    }

    /** The coin's value: SHA-256 of a domain label and the combined point. */
    public static byte[] coinValue(Element combined) {
        return ThresholdLedger.sha256(new Wire.Writer().string("bastion-coin-v1").element(combined).toBytes());
    }

    /** base_i^s from shares base_i^{x_j} of replicas j (x = j+1), by Lagrange in the exponent. */
    public static List<Element> interpolate(Group g, Map<Integer, List<Element>> shares, int count) {
        List<BigInteger> xs = shares.keySet().stream().map(j -> BigInteger.valueOf(j + 1L)).toList();
        java.util.Map<Integer, BigInteger> lambdas = new java.util.TreeMap<>();
        for (int j : shares.keySet()) {
            lambdas.put(j, Polynomial.lagrangeAtZero(g, xs, BigInteger.valueOf(j + 1L)));
        }
        List<Element> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Element sum = g.identity();
            for (Map.Entry<Integer, List<Element>> e : shares.entrySet()) {
                sum = sum.add(e.getValue().get(i).multiply(lambdas.get(e.getKey())));
            }
            out.add(sum);
        }
        return out;
    }
}
