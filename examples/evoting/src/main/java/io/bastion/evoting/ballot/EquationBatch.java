package io.bastion.evoting.ballot;

import io.bastion.threshold.Element;
import io.bastion.threshold.Group;
import io.bastion.threshold.P256Group;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The linear equations of a ballot's proofs, checked together. Every branch of every proof has two,
 * {@code A_k + c_k·α − s_k·G = O} and {@code B_k + c_k·(β − v_k·G) − s_k·PK = O}; each is multiplied
 * by its weight {@code z_e}, all are added up with the coefficients collected per distinct point, and
 * the sum is one multi-scalar multiplication ({@link Group#linearCombination}). When every equation
 * holds the sum is the identity; when one does not, the sum is the identity for at most one of the
 * 2^128 − 1 values its weight can take (docs/ballots.md, "Why one check suffices"). A replica
 * takes the weights from a hash of the ballot ({@link #weights}), so every replica checks the same
 * sum; a replica checking a batch's ballots ahead of their own checks puts all their equations in
 * one batch, of one election key or several ({@link #useKey}), with weights hashed from all of them
 * ({@link #weights(List, List)}); a verifier of many ballots of one election at once (an election
 * record) puts all their equations in one batch, with random weights ({@link #randomWeights}) that
 * no ballot's maker can know. Not thread-safe; one per check.
 */
final class EquationBatch {
    /** Bits of a weight: the batch lets a false equation through with probability about 2^-128. */
    static final int WEIGHT_BITS = 128;
    private static final byte[] WEIGHTS_DOMAIN = "bastion-ballot-v2/weights".getBytes(StandardCharsets.UTF_8);
    private static final P256Group GROUP = P256Group.INSTANCE;

    private static final byte[] BATCH_WEIGHTS_DOMAIN = "bastion-ballot-v2/batch-weights".getBytes(StandardCharsets.UTF_8);

    private final Supplier<BigInteger> weights;
    private final List<Group.Term> terms = new ArrayList<>();
    private BigInteger onGenerator = BigInteger.ZERO;
    /** The election keys the equations use, and what they put on each; the current one last used. */
    private final List<Element> publicKeys = new ArrayList<>(1);
    private final List<BigInteger> onPublicKeys = new ArrayList<>(1);
    private int current;

    /** A batch under {@code publicKey} whose equations take the weights {@code z_0, z_1, …} in turn. */
    EquationBatch(Element publicKey, Supplier<BigInteger> weights) {
        this.weights = weights;
        useKey(publicKey);
    }

    /**
     * Makes {@code publicKey} the key of the proofs added from now on: ballots of several elections
     * in one batch. Each distinct key is one term of the sum.
     */
    void useKey(Element publicKey) {
        current = publicKeys.indexOf(publicKey);
        if (current < 0) {
            publicKeys.add(publicKey);
            onPublicKeys.add(BigInteger.ZERO);
            current = publicKeys.size() - 1;
        }
    }

    /**
     * The weights of a ballot's equations, in order: {@code z_e} is the first 16 bytes of
     * SHA-512(lp("bastion-ballot-v2/weights") ‖ lp(ctx) ‖ lp(ballot bytes) ‖ u32be(e)) as an unsigned
     * big-endian integer, or 1 if that is 0. A hash of everything the equations are made of, so a
     * ballot cannot be changed without changing its weights.
     */
    static Supplier<BigInteger> weights(byte[] context, byte[] ballotBytes) {
        MessageDigest prefix = sha512();
        for (byte[] part : new byte[][] {WEIGHTS_DOMAIN, context, ballotBytes}) {
            prefix.update(Encoding.u32(part.length));
            prefix.update(part);
        }
        return counted(prefix);
    }

    /** z_0, z_1, …: the first 16 bytes of SHA-512(prefix ‖ u32be(e)), 1 in place of 0. */
    private static Supplier<BigInteger> counted(MessageDigest prefix) {
        return new Supplier<>() {
            private long index;

            @Override
            public BigInteger get() {
                MessageDigest digest = copy(prefix);
                digest.update(Encoding.u32(index++));
                BigInteger z = new BigInteger(1, digest.digest()).shiftRight(512 - WEIGHT_BITS);
                return z.signum() == 0 ? BigInteger.ONE : z;
            }
        };
    }

    /**
     * The weights of the equations of several ballots checked as one sum, in order: {@code z_e} is the
     * first 16 bytes of SHA-512(lp("bastion-ballot-v2/batch-weights") ‖ u32(count) ‖ (lp(ctx_i) ‖
     * lp(ballot bytes_i)) for every ballot ‖ u32be(e)), or 1 if that is 0. A hash of everything every
     * equation is made of, as {@link #weights} is for one ballot: no ballot in the batch can be chosen
     * after the weights, whoever made the others.
     */
    static Supplier<BigInteger> weights(List<byte[]> contexts, List<byte[]> ballotBytes) {
        if (contexts.size() != ballotBytes.size()) {
            throw new IllegalArgumentException(contexts.size() + " contexts for " + ballotBytes.size() + " ballots");
        }
        MessageDigest prefix = sha512();
        prefix.update(Encoding.u32(BATCH_WEIGHTS_DOMAIN.length));
        prefix.update(BATCH_WEIGHTS_DOMAIN);
        prefix.update(Encoding.u32(contexts.size()));
        for (int i = 0; i < contexts.size(); i++) {
            for (byte[] part : new byte[][] {contexts.get(i), ballotBytes.get(i)}) {
                prefix.update(Encoding.u32(part.length));
                prefix.update(part);
            }
        }
        return counted(prefix);
    }

    /**
     * Weights drawn from {@code random}: 128-bit numbers, 1 in place of 0. For checking the equations
     * of many ballots as one sum: with the verifier's own randomness, unknown to whoever made the
     * ballots, a false equation anywhere in the batch gets through with probability about 2^-128,
     * whatever the ballots are and however their makers worked together.
     */
    static Supplier<BigInteger> randomWeights(java.security.SecureRandom random) {
        return () -> {
            BigInteger z = new BigInteger(WEIGHT_BITS, random);
            return z.signum() == 0 ? BigInteger.ONE : z;
        };
    }

    /** What a proof's equations put on its ciphertext: Σ z·c_k on α (the A equations) and on β (the B equations). */
    record CiphertextCoefficients(BigInteger alpha, BigInteger beta) {}

    /**
     * Adds {@code proof}'s equations, for the values {@code lowest, lowest + 1, …}: per branch the A
     * equation, then the B equation, each with the next weight. What they put on the proof's α and β
     * is returned rather than added, for the caller to put on the points α and β are made of.
     */
    CiphertextCoefficients add(DisjunctiveProof proof, int lowest) {
        BigInteger onAlpha = BigInteger.ZERO;
        BigInteger onBeta = BigInteger.ZERO;
        List<DisjunctiveProof.Branch> branches = proof.branches();
        for (int k = 0; k < branches.size(); k++) {
            DisjunctiveProof.Branch branch = branches.get(k);
            BigInteger zA = weights.get();
            BigInteger zB = weights.get();
            BigInteger c = branch.challenge();
            BigInteger s = branch.response();
            terms.add(new Group.Term(zA, branch.a()));
            terms.add(new Group.Term(zB, branch.b()));
            onAlpha = onAlpha.add(zA.multiply(c));
            onBeta = onBeta.add(zB.multiply(c));
            // −z_A·s on G and −z_B·s on PK; and the B equation's c·(β − v·G) puts −z_B·c·v on G
            onGenerator = onGenerator.subtract(zA.multiply(s)).subtract(zB.multiply(c).multiply(BigInteger.valueOf(lowest + k)));
            onPublicKeys.set(current, onPublicKeys.get(current).subtract(zB.multiply(s)));
        }
        return new CiphertextCoefficients(onAlpha.mod(GROUP.order()), onBeta.mod(GROUP.order()));
    }

    /** Adds {@code coefficient·element} to the sum. */
    void add(Element element, BigInteger coefficient) {
        terms.add(new Group.Term(coefficient, element));
    }

    /** Whether the weighted sum of everything added is the identity. */
    boolean holds() {
        List<Group.Term> all = new ArrayList<>(terms.size() + 1 + publicKeys.size());
        all.add(new Group.Term(onGenerator, GROUP.generator()));
        for (int k = 0; k < publicKeys.size(); k++) {
            all.add(new Group.Term(onPublicKeys.get(k), publicKeys.get(k)));
        }
        all.addAll(terms);
        return GROUP.linearCombination(all).isIdentity();
    }

    private static MessageDigest sha512() {
        try {
            return MessageDigest.getInstance("SHA-512");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-512", e);
        }
    }

    private static MessageDigest copy(MessageDigest digest) {
        try {
            return (MessageDigest) digest.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's SHA-512 can be cloned", e);
        }
    }
}
