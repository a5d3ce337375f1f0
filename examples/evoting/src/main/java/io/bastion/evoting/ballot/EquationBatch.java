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
 * sum; a verifier of many ballots of one election at once (an election record) puts all their
 * equations in one batch, with random weights ({@link #randomWeights}) that no ballot's maker can
 * know. Not thread-safe; one per check.
 */
final class EquationBatch {
    /** Bits of a weight: the batch lets a false equation through with probability about 2^-128. */
    static final int WEIGHT_BITS = 128;
    private static final byte[] WEIGHTS_DOMAIN = "bastion-ballot-v2/weights".getBytes(StandardCharsets.UTF_8);
    private static final P256Group GROUP = P256Group.INSTANCE;

    private final Element publicKey;
    private final Supplier<BigInteger> weights;
    private final List<Group.Term> terms = new ArrayList<>();
    private BigInteger onGenerator = BigInteger.ZERO;
    private BigInteger onPublicKey = BigInteger.ZERO;

    /** A batch under {@code publicKey} whose equations take the weights {@code z_0, z_1, …} in turn. */
    EquationBatch(Element publicKey, Supplier<BigInteger> weights) {
        this.publicKey = publicKey;
        this.weights = weights;
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
            onPublicKey = onPublicKey.subtract(zB.multiply(s));
        }
        return new CiphertextCoefficients(onAlpha.mod(GROUP.order()), onBeta.mod(GROUP.order()));
    }

    /** Adds {@code coefficient·element} to the sum. */
    void add(Element element, BigInteger coefficient) {
        terms.add(new Group.Term(coefficient, element));
    }

    /** Whether the weighted sum of everything added is the identity. */
    boolean holds() {
        List<Group.Term> all = new ArrayList<>(terms.size() + 2);
        all.add(new Group.Term(onGenerator, GROUP.generator()));
        all.add(new Group.Term(onPublicKey, publicKey));
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
