package io.bastion.evoting.ballot;

import io.bastion.core.util.Check;
import io.bastion.threshold.Element;
import io.bastion.threshold.P256Group;

import java.math.BigInteger;
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
    private static final P256Group GROUP = P256Group.INSTANCE;

    private final BallotParameters parameters;

    public BallotVerifier(BallotParameters parameters) {
        this.parameters = parameters;
    }

    public BallotParameters parameters() {
        return parameters;
    }

    /** {@code null} when {@code ballot} is valid for this election; otherwise why it is not. */
    public String verify(EncryptedBallot ballot) {
        if (ballot.electionId() != parameters.electionId()) {
            return "ballot is for election " + ballot.electionId() + ", not " + parameters.electionId();
        }
        if (ballot.choices().size() != parameters.options()) {
            return "ballot has " + ballot.choices().size() + " options, the election has " + parameters.options();
        }
        int overallBranches = ballot.overall().branches().size();
        if (overallBranches != parameters.overallBranches()) {
            return "the overall proof must have " + parameters.overallBranches() + " (A, B, c, s) branches for "
                    + parameters.choicesRange() + " choices, not " + overallBranches;
        }
        byte[] bytes = ballot.bytes();
        if (!ballot.credential().verifies(bytes, ballot.signature())) {
            return "signature does not verify under the credential";
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
        if (challengesAddUp && equationsHoldTogether(ballot, EquationBatch.weights(context, bytes))) {
            return null;
        }
        for (int i = 0; i < proofs.size(); i++) {
            if (!proofs.get(i).verifies(statements.get(i))) {
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
     * Whether every linear equation of every proof holds, checked as one weighted sum. The overall
     * proof's α and β are the sums of the options' α_j and β_j, so what its equations put on them
     * goes to every α_j and β_j.
     */
    boolean equationsHoldTogether(EncryptedBallot ballot, Supplier<BigInteger> weights) {
        EquationBatch batch = new EquationBatch(parameters.publicKey(), weights);
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
        return batch.holds();
    }
}
