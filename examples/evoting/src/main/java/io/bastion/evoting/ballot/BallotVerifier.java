package io.bastion.evoting.ballot;

import io.bastion.core.util.Check;
import io.bastion.threshold.Element;
import io.bastion.threshold.P256Group;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Checks ballots for one election, as every replica does before accepting one: the election, the
 * number of options and of overall branches, the signature under the ballot's credential, then the
 * proofs (docs/ballots.md, "Verification"). The proofs cost one hash each (their challenges must
 * add up) and, all together, one multi-scalar multiplication (their linear equations, weighted into
 * an {@code EquationBatch}). Only a ballot that fails is looked at proof by proof, to name the first
 * option (or the overall proof) that does not verify. Deterministic: no randomness, no clock, so
 * every correct replica reaches the same verdict. Immutable and thread-safe.
 */
public final class BallotVerifier {
    /**
     * Most ballots whose equations {@link #verifyAll} checks as one multi-scalar multiplication. A few
     * ballots share the doubling chain (some 15 % less work per ballot than one at a time); many more
     * are slower again with BouncyCastle's interleaved wNAF, whose tables of multiples of thousands
     * of points no longer fit the processor's caches (measured: 0.75 ms a ballot in batches of 4 to
     * 16, 0.9 in batches of 256, 1.0 in one batch of 1,200, against 0.9 one at a time).
     */
    public static final int BATCH_BALLOTS = 16;
    private static final P256Group GROUP = P256Group.INSTANCE;
    /** Ballots {@link #verifyTogether} found valid, for {@link #verify} to find; shared in this JVM. */
    private static final VerifiedBallots VERIFIED = new VerifiedBallots();

    private final BallotParameters parameters;

    public BallotVerifier(BallotParameters parameters) {
        this.parameters = parameters;
    }

    public BallotParameters parameters() {
        return parameters;
    }

    /**
     * {@code null} when {@code ballot} is valid for this election; otherwise why it is not. A ballot
     * that {@link #verifyTogether} found valid, with these very parameters, bytes and signature, is
     * not checked again.
     */
    public String verify(EncryptedBallot ballot) {
        if (ballot.electionId() == parameters.electionId() && VERIFIED.isValid(VerifiedBallots.key(parameters, ballot))) {
            return null;
        }
        Prepared prepared = prepare(ballot);
        if (prepared.refusal() != null) {
            return prepared.refusal();
        }
        if (prepared.challengesAddUp()) {
            EquationBatch batch = new EquationBatch(parameters.publicKey(),
                    EquationBatch.weights(prepared.context(), prepared.bytes()));
            addEquations(batch, ballot);
            if (batch.holds()) {
                return null;
            }
        }
        VERIFIED.addSuspect(ballot.credential());
        return failingProof(prepared);
    }

    /** Whether {@link #verifyTogether} found {@code ballot} valid under {@code parameters}: for tests and diagnostics. */
    public static boolean remembered(BallotParameters parameters, EncryptedBallot ballot) {
        return VERIFIED.isValid(VerifiedBallots.key(parameters, ballot));
    }

    /** A ballot and the parameters of the election it is cast in, for {@link #verifyTogether}. */
    public record Cast(BallotParameters parameters, EncryptedBallot ballot) {}

    /**
     * Checks {@code casts} (a batch's ballots, of one election or several) together, ahead of their
     * own checks, and remembers the ones found valid, so that {@link #verify} then answers for them at
     * once. For a replica, before it executes a batch: the linear equations of every ballot whose
     * shape, signature and challenges pass go into one multi-scalar multiplication (one doubling
     * chain and one term per election key and for the generator, instead of one each per ballot),
     * {@value #BATCH_BALLOTS} ballots at a time, weighted by a hash of all of them
     * ({@link EquationBatch#weights(List, List)}), so that no ballot
     * can be made to fit weights it was chosen after; a false equation anywhere passes with probability
     * about 2^-128. If the sum holds, every ballot in it is valid; if not, none is remembered and each
     * is checked on its own later, which names the bad ones. A credential whose ballot failed its
     * proofs before is left out. Returns how many were found valid. Remembering changes no verdict:
     * a ballot is remembered by a hash of everything its validity depends on ({@link VerifiedBallots}).
     */
    public static int verifyTogether(List<Cast> casts) {
        int valid = 0;
        for (int from = 0; from < casts.size(); from += BATCH_BALLOTS) {
            valid += verifyGroup(casts.subList(from, Math.min(casts.size(), from + BATCH_BALLOTS)));
        }
        return valid;
    }

    /** {@link #verifyTogether} for at most {@value #BATCH_BALLOTS} ballots: one multi-scalar multiplication. */
    private static int verifyGroup(List<Cast> casts) {
        List<Cast> joined = new ArrayList<>(casts.size());
        List<Prepared> prepared = new ArrayList<>(casts.size());
        for (Cast cast : casts) {
            if (VERIFIED.isSuspect(cast.ballot().credential())) {
                continue;
            }
            Prepared p = new BallotVerifier(cast.parameters()).prepare(cast.ballot());
            if (p.refusal() == null && p.challengesAddUp()) {
                joined.add(cast);
                prepared.add(p);
            }
        }
        if (joined.size() < 2) {
            return 0; // nothing to share: each is checked on its own as before
        }
        EquationBatch batch = new EquationBatch(joined.getFirst().parameters().publicKey(), EquationBatch.weights(
                prepared.stream().map(Prepared::context).toList(), prepared.stream().map(Prepared::bytes).toList()));
        for (Cast cast : joined) {
            batch.useKey(cast.parameters().publicKey());
            new BallotVerifier(cast.parameters()).addEquations(batch, cast.ballot());
        }
        if (!batch.holds()) {
            return 0;
        }
        for (Cast cast : joined) {
            VERIFIED.addValid(VerifiedBallots.key(cast.parameters(), cast.ballot()));
        }
        return joined.size();
    }

    /**
     * The verdict on each of {@code ballots}, in order: {@code null} for a valid one, else why it is
     * not, exactly as {@link #verify} says. For a verifier of many ballots at once (an election
     * record), not a replica: the linear equations of the ballots whose signature and challenges
     * pass are checked together, up to {@value #BATCH_BALLOTS} ballots to one multi-scalar
     * multiplication, with weights drawn from {@code random} rather than hashed from each ballot, so
     * that no ballot's maker can know them; a false equation anywhere passes with probability about
     * 2^-128. Only when a batch fails is each of its ballots checked on its own ({@link #verify}), to
     * name the bad ones. Thread-safe as long as each caller brings its own {@code random}.
     */
    public List<String> verifyAll(List<EncryptedBallot> ballots, SecureRandom random) {
        String[] verdicts = new String[ballots.size()];
        for (int from = 0; from < ballots.size(); from += BATCH_BALLOTS) {
            verifyBatch(ballots, from, Math.min(ballots.size(), from + BATCH_BALLOTS), random, verdicts);
        }
        return java.util.Arrays.asList(verdicts);
    }

    private void verifyBatch(List<EncryptedBallot> ballots, int from, int to, SecureRandom random, String[] verdicts) {
        EquationBatch batch = new EquationBatch(parameters.publicKey(), EquationBatch.randomWeights(random));
        List<Integer> batched = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            Prepared prepared = prepare(ballots.get(i));
            if (prepared.refusal() != null) {
                verdicts[i] = prepared.refusal();
            } else if (!prepared.challengesAddUp()) {
                verdicts[i] = failingProof(prepared);
            } else {
                addEquations(batch, ballots.get(i));
                batched.add(i);
            }
        }
        if (!batched.isEmpty() && !batch.holds()) {
            for (int i : batched) {
                verdicts[i] = verify(ballots.get(i));
            }
        }
    }

    /** A ballot with its shape and signature checked, its proofs' statements made and their challenges checked. */
    private record Prepared(String refusal, byte[] bytes, byte[] context, List<DisjunctiveProof> proofs,
                            List<DisjunctiveProof.Statement> statements, boolean challengesAddUp) {
        static Prepared refused(String refusal) {
            return new Prepared(refusal, null, null, null, null, false);
        }
    }

    private Prepared prepare(EncryptedBallot ballot) {
        if (ballot.electionId() != parameters.electionId()) {
            return Prepared.refused("ballot is for election " + ballot.electionId() + ", not " + parameters.electionId());
        }
        if (ballot.choices().size() != parameters.options()) {
            return Prepared.refused("ballot has " + ballot.choices().size() + " options, the election has "
                    + parameters.options());
        }
        int overallBranches = ballot.overall().branches().size();
        if (overallBranches != parameters.overallBranches()) {
            return Prepared.refused("the overall proof must have " + parameters.overallBranches()
                    + " (A, B, c, s) branches for " + parameters.choicesRange() + " choices, not " + overallBranches);
        }
        byte[] bytes = ballot.bytes();
        if (!ballot.credential().verifies(bytes, ballot.signature())) {
            return Prepared.refused("signature does not verify under the credential");
        }
        byte[] context = parameters.context(ballot.credential());
        List<DisjunctiveProof.Statement> statements = statements(ballot, context);
        List<DisjunctiveProof> proofs = new ArrayList<>(statements.size());
        ballot.choices().forEach(choice -> proofs.add(choice.proof()));
        proofs.add(ballot.overall());
        boolean challengesAddUp = true;
        for (int i = 0; i < proofs.size() && challengesAddUp; i++) {
            challengesAddUp = proofs.get(i).challengesAddUp(statements.get(i));
        }
        return new Prepared(null, bytes, context, proofs, statements, challengesAddUp);
    }

    /** The refusal naming the first proof that does not verify on its own; there is one when the batch failed. */
    private String failingProof(Prepared prepared) {
        for (int i = 0; i < prepared.proofs().size(); i++) {
            if (!prepared.proofs().get(i).verifies(prepared.statements().get(i))) {
                return i < parameters.options() ? "option " + i + ": the 0/1 proof does not verify"
                        : "the overall proof does not verify: the number of choices must be " + parameters.choicesRange();
            }
        }
        throw Check.unreachable("a ballot whose proofs each verify fails their batched check");
    }

    /** Each option's 0/1 statement, then the overall one on the sums of the ciphertexts. */
    private List<DisjunctiveProof.Statement> statements(EncryptedBallot ballot, byte[] context) {
        Element publicKey = parameters.publicKey();
        List<DisjunctiveProof.Statement> statements = new ArrayList<>(parameters.options() + 1);
        List<Element> alphas = new ArrayList<>(parameters.options());
        List<Element> betas = new ArrayList<>(parameters.options());
        for (int j = 0; j < parameters.options(); j++) {
            EncryptedChoice choice = ballot.choices().get(j);
            statements.add(new DisjunctiveProof.Statement(context, j, publicKey, choice.alpha(), choice.beta(), 0,
                    EncryptedChoice.PROOF_BRANCHES));
            alphas.add(choice.alpha());
            betas.add(choice.beta());
        }
        statements.add(new DisjunctiveProof.Statement(context, DisjunctiveProof.OVERALL_INDEX, publicKey,
                GROUP.sum(alphas), GROUP.sum(betas), parameters.minChoices(), parameters.overallBranches()));
        return statements;
    }

    /**
     * Adds every linear equation of every proof of {@code ballot} to {@code batch}, each with the
     * batch's next weight. The overall proof's α and β are the sums of the options' α_j and β_j, so
     * what its equations put on them goes to every α_j and β_j.
     */
    private void addEquations(EquationBatch batch, EncryptedBallot ballot) {
        List<EquationBatch.CiphertextCoefficients> options = new ArrayList<>(parameters.options());
        for (EncryptedChoice choice : ballot.choices()) {
            options.add(batch.add(choice.proof(), 0));
        }
        EquationBatch.CiphertextCoefficients overall = batch.add(ballot.overall(), parameters.minChoices());
        for (int j = 0; j < parameters.options(); j++) {
            EncryptedChoice choice = ballot.choices().get(j);
            batch.add(choice.alpha(), options.get(j).alpha().add(overall.alpha()));
            batch.add(choice.beta(), options.get(j).beta().add(overall.beta()));
        }
    }

    /** Whether every linear equation of the ballot's proofs holds, checked as one sum with {@code weights}. */
    boolean equationsHoldTogether(EncryptedBallot ballot, Supplier<BigInteger> weights) {
        EquationBatch batch = new EquationBatch(parameters.publicKey(), weights);
        addEquations(batch, ballot);
        return batch.holds();
    }
}
