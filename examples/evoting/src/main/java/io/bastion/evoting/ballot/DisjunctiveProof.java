package io.bastion.evoting.ballot;

import io.bastion.threshold.Element;
import io.bastion.threshold.Group;
import io.bastion.threshold.P256Group;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * A disjunctive Chaum–Pedersen proof (Cramer–Damgård–Schoenmakers): that an ElGamal ciphertext
 * {@code (α, β)} under {@code PK} encrypts one of the consecutive values {@code v₀, v₀+1, …, v_t},
 * without saying which. One branch {@code (A_k, B_k, c_k, s_k)} per value; the prover simulates
 * every branch but the true one, and Fiat–Shamir over the statement (bound to its ballot's context
 * and index) fixes the sum of the challenges. Exactly the construction of docs/ballots.md.
 *
 * <p>The proof carries its commitments {@code A_k, B_k}, so a verifier checks two things separately:
 * that the challenges add up to the hash of the statement and the commitments
 * ({@code challengesAddUp}), and that each commitment is what its challenge and response make it
 * ({@code equationsHold}, two products per branch; or, for a whole ballot at once, weighted into one
 * {@code EquationBatch}).
 *
 * @param branches {@code (A_k, B_k, c_k, s_k)} for {@code k = 0..t}
 */
public record DisjunctiveProof(List<Branch> branches) {
    /** The most branches a proof has: an overall proof for 0..64 choices. */
    public static final int BRANCHES_MAX = BallotParameters.OPTIONS_MAX + 1;
    /** The statement index of a ballot's overall proof (0xFFFFFFFF); option {@code j}'s is {@code j}. */
    public static final long OVERALL_INDEX = 0xFFFF_FFFFL;
    private static final byte[] DOMAIN = (BallotParameters.DOMAIN + "/proof").getBytes(StandardCharsets.UTF_8);
    private static final P256Group GROUP = P256Group.INSTANCE;
    private static final BigInteger SCALAR_LIMIT = BigInteger.ONE.shiftLeft(256);

    /**
     * One branch: the commitments {@code a} = A_k and {@code b} = B_k (P-256 points other than the
     * identity), the challenge c_k and the response s_k (scalars that fit 32 bytes; whether they are
     * below q is checked on verifying). A valid branch has {@code A_k = s_k·G − c_k·α} and
     * {@code B_k = s_k·PK − c_k·(β − v_k·G)}.
     */
    public record Branch(Element a, Element b, BigInteger challenge, BigInteger response) {
        public Branch {
            for (Element commitment : new Element[] {a, b}) {
                if (commitment.group() != GROUP || commitment.isIdentity()) {
                    throw new IllegalArgumentException("a proof's commitments are P-256 points other than the identity");
                }
            }
            if (!fits(challenge) || !fits(response)) {
                throw new IllegalArgumentException("a proof's scalars are in [0, 2^256)");
            }
        }

        private static boolean fits(BigInteger x) {
            return x.signum() >= 0 && x.compareTo(SCALAR_LIMIT) < 0;
        }
    }

    /** The challenge and response the prover picks for a simulated branch, in [0, q − 1]. */
    public record Simulated(BigInteger challenge, BigInteger response) {}

    /**
     * What a proof claims: that {@code (alpha, beta)} encrypts one of {@code lowest .. lowest + values − 1}
     * under {@code publicKey}; {@code context} and {@code index} (a u32) bind it to one ballot and place.
     */
    public record Statement(byte[] context, long index, Element publicKey, Element alpha, Element beta, int lowest,
                            int values) {
        public Statement {
            if (index < 0 || index > OVERALL_INDEX || values < 1 || values > BRANCHES_MAX || lowest < 0) {
                throw new IllegalArgumentException("index is a u32 and 1.." + BRANCHES_MAX + " values are proven");
            }
            context = context.clone();
        }

        /** {@code β − v_k·G} for every branch k, by repeated subtraction: the values are small and consecutive. */
        private List<Element> shiftedBetas() {
            List<Element> shifted = new ArrayList<>(values);
            Element g = GROUP.generator();
            Element current = lowest == 0 ? beta : beta.subtract(g.multiply(BigInteger.valueOf(lowest)));
            for (int k = 0; k < values; k++) {
                shifted.add(current);
                current = current.subtract(g);
            }
            return shifted;
        }

        /** c = Hq(domain, ctx, u32 index, α, β, A₀, B₀, A₁, B₁, …): what the challenges must add up to. */
        BigInteger challenge(List<Element> commitments) {
            Encoding.Hash hash = new Encoding.Hash().add(DOMAIN).add(context).add(Encoding.u32(index))
                    .add(alpha.encode()).add(beta.encode());
            for (Element commitment : commitments) {
                hash.add(commitment.encode());
            }
            return hash.toScalar(GROUP);
        }
    }

    /**
     * The prover's randomness: {@code w} in [1, q − 1] for the true branch, and {@code (c_k, s_k)}
     * in [0, q − 1] for each simulated branch, in branch order with the true one left out.
     */
    public record Randomness(BigInteger w, List<Simulated> simulated) {
        public Randomness {
            simulated = List.copyOf(simulated);
        }

        /** Fresh randomness for a proof of {@code values} branches. */
        public static Randomness draw(int values, SecureRandom random) {
            List<Simulated> simulated = new ArrayList<>(values - 1);
            for (int k = 0; k < values - 1; k++) {
                simulated.add(new Simulated(uniform(random), uniform(random)));
            }
            return new Randomness(GROUP.randomScalar(random), simulated);
        }

        /** Uniform in [0, q − 1]: 320 random bits reduced (bias below 2^-64). */
        private static BigInteger uniform(SecureRandom random) {
            return new BigInteger(GROUP.order().bitLength() + 64, random).mod(GROUP.order());
        }
    }

    public DisjunctiveProof {
        branches = List.copyOf(branches);
        if (branches.isEmpty() || branches.size() > BRANCHES_MAX) {
            throw new IllegalArgumentException("a proof has 1.." + BRANCHES_MAX + " branches, not " + branches.size());
        }
    }

    /**
     * Proves {@code statement} for the ciphertext made with randomness {@code r}, whose value is
     * {@code statement.lowest() + trueIndex}. The proof verifies only if that is so. Throws
     * {@link IllegalArgumentException} if a simulated commitment is the identity, which the randomness
     * of an honest prover makes with probability about 2^-256.
     */
    public static DisjunctiveProof prove(Statement statement, int trueIndex, BigInteger r, Randomness randomness) {
        int values = statement.values();
        BigInteger q = GROUP.order();
        if (trueIndex < 0 || trueIndex >= values || randomness.simulated().size() != values - 1) {
            throw new IllegalArgumentException("the true branch is one of " + values + " and the others are simulated");
        }
        if (!inRange(randomness.w(), BigInteger.ONE) || !inRange(r, BigInteger.ONE)) {
            throw new IllegalArgumentException("w and r are in [1, q − 1]");
        }
        BigInteger[] challenges = new BigInteger[values];
        BigInteger[] responses = new BigInteger[values];
        List<Group.Combination> simulated = new ArrayList<>(2 * (values - 1));
        List<Element> shifted = statement.shiftedBetas();
        Element g = GROUP.generator();
        for (int k = 0, s = 0; k < values; k++) {
            if (k == trueIndex) {
                continue;
            }
            Simulated branch = randomness.simulated().get(s++);
            if (!inRange(branch.challenge(), BigInteger.ZERO) || !inRange(branch.response(), BigInteger.ZERO)) {
                throw new IllegalArgumentException("simulated challenges and responses are in [0, q − 1]");
            }
            challenges[k] = branch.challenge();
            responses[k] = branch.response();
            BigInteger minusC = q.subtract(branch.challenge());
            simulated.add(new Group.Combination(branch.response(), g, minusC, statement.alpha()));
            simulated.add(new Group.Combination(branch.response(), statement.publicKey(), minusC, shifted.get(k)));
        }
        List<Element> simulatedCommitments = GROUP.combineAll(simulated);
        List<Element> commitments = new ArrayList<>(2 * values);
        BigInteger otherChallenges = BigInteger.ZERO;
        for (int k = 0, s = 0; k < values; k++) {
            if (k == trueIndex) {
                commitments.add(g.multiply(randomness.w()));
                commitments.add(statement.publicKey().multiply(randomness.w()));
            } else {
                commitments.add(simulatedCommitments.get(s++));
                commitments.add(simulatedCommitments.get(s++));
                otherChallenges = otherChallenges.add(challenges[k]);
            }
        }
        challenges[trueIndex] = statement.challenge(commitments).subtract(otherChallenges).mod(q);
        responses[trueIndex] = randomness.w().add(challenges[trueIndex].multiply(r)).mod(q);
        List<Branch> branches = new ArrayList<>(values);
        for (int k = 0; k < values; k++) {
            branches.add(new Branch(commitments.get(2 * k), commitments.get(2 * k + 1), challenges[k], responses[k]));
        }
        return new DisjunctiveProof(branches);
    }

    /** Whether this proves {@code statement} on its own: the challenges add up and every equation holds. */
    public boolean verifies(Statement statement) {
        return challengesAddUp(statement) && equationsHold(statement);
    }

    /**
     * The Fiat–Shamir check: one branch per value, canonical challenges and responses (below q), and
     * {@code Σ c_k ≡ Hq(…, A₀, B₀, …)}. Hashing only, no group arithmetic.
     */
    boolean challengesAddUp(Statement statement) {
        if (branches.size() != statement.values()) {
            return false;
        }
        List<Element> commitments = new ArrayList<>(2 * branches.size());
        BigInteger sum = BigInteger.ZERO;
        for (Branch branch : branches) {
            if (!inRange(branch.challenge(), BigInteger.ZERO) || !inRange(branch.response(), BigInteger.ZERO)) {
                return false;
            }
            commitments.add(branch.a());
            commitments.add(branch.b());
            sum = sum.add(branch.challenge());
        }
        return sum.mod(GROUP.order()).equals(statement.challenge(commitments));
    }

    /**
     * Whether every commitment is exactly what its challenge and response make it:
     * {@code A_k = s_k·G − c_k·α} and {@code B_k = s_k·PK − c_k·(β − v_k·G)}, two products per branch.
     * The exact check, without weights, that names a failing proof once a ballot's batch has failed.
     */
    boolean equationsHold(Statement statement) {
        if (branches.size() != statement.values()) {
            return false;
        }
        BigInteger q = GROUP.order();
        List<Element> shifted = statement.shiftedBetas();
        List<Group.Combination> combinations = new ArrayList<>(2 * branches.size());
        for (int k = 0; k < branches.size(); k++) {
            Branch branch = branches.get(k);
            BigInteger minusC = q.subtract(GROUP.reduce(branch.challenge()));
            combinations.add(new Group.Combination(branch.response(), GROUP.generator(), minusC, statement.alpha()));
            combinations.add(new Group.Combination(branch.response(), statement.publicKey(), minusC, shifted.get(k)));
        }
        List<Element> expected = GROUP.combineAll(combinations);
        for (int k = 0; k < branches.size(); k++) {
            if (!expected.get(2 * k).equals(branches.get(k).a()) || !expected.get(2 * k + 1).equals(branches.get(k).b())) {
                return false;
            }
        }
        return true;
    }

    /** {@code lowest <= x < q}. */
    private static boolean inRange(BigInteger x, BigInteger lowest) {
        return x.compareTo(lowest) >= 0 && x.compareTo(GROUP.order()) < 0;
    }
}
