package io.bastion.evoting.ballot;

import io.bastion.threshold.Element;
import io.bastion.threshold.P256Group;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks ballots for one election, as every replica does before accepting one: the election, the
 * number of options and of overall branches, the signature under the ballot's credential, each
 * option's 0/1 proof and the overall proof, in that order (docs/ballots.md). Deterministic: no
 * randomness, no clock, so every correct replica reaches the same verdict. Immutable and
 * thread-safe; keep one per election, so BouncyCastle's table for the public key is made once.
 */
public final class BallotVerifier {
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
        int overallPairs = ballot.overall().branches().size();
        if (overallPairs != parameters.overallBranches()) {
            return "the overall proof must have " + parameters.overallBranches() + " (c, s) pairs for "
                    + parameters.choicesRange() + " choices, not " + overallPairs;
        }
        if (!ballot.credential().verifies(ballot.bytes(), ballot.signature())) {
            return "signature does not verify under the credential";
        }
        byte[] context = parameters.context(ballot.credential());
        Element publicKey = parameters.publicKey();
        List<Element> alphas = new ArrayList<>(parameters.options());
        List<Element> betas = new ArrayList<>(parameters.options());
        for (int j = 0; j < parameters.options(); j++) {
            EncryptedChoice choice = ballot.choices().get(j);
            DisjunctiveProof.Statement statement = new DisjunctiveProof.Statement(context, j, publicKey, choice.alpha(),
                    choice.beta(), 0, EncryptedChoice.PROOF_BRANCHES);
            if (!choice.proof().verifies(statement)) {
                return "option " + j + ": the 0/1 proof does not verify";
            }
            alphas.add(choice.alpha());
            betas.add(choice.beta());
        }
        DisjunctiveProof.Statement overall = new DisjunctiveProof.Statement(context, DisjunctiveProof.OVERALL_INDEX,
                publicKey, P256Group.INSTANCE.sum(alphas), P256Group.INSTANCE.sum(betas), parameters.minChoices(),
                parameters.overallBranches());
        if (!ballot.overall().verifies(overall)) {
            return "the overall proof does not verify: the number of choices must be " + parameters.choicesRange();
        }
        return null;
    }
}
