package io.bastion.evoting.ballot;

import io.bastion.evoting.ballot.BallotFixtures.Voter;
import io.bastion.threshold.Element;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

import static io.bastion.evoting.ballot.BallotFixtures.GROUP;

/** Ballots no honest builder makes, built by hand as a cheating voter would, and signed by that voter. */
final class Forgeries {
    private Forgeries() {}

    /**
     * A ballot whose option {@code j} encrypts {@code values[j]} (any small number, 2 included). Each
     * option's 0/1 proof is made as if the value were {@code min(values[j], 1)} (or, for option 0
     * when {@code simulateFirst}, both branches simulated), and the overall proof claims
     * {@code claimedTotal} chosen options.
     */
    static EncryptedBallot forged(BallotParameters parameters, Voter voter, int[] values, int claimedTotal,
                                  boolean simulateFirst, SecureRandom random) {
        byte[] context = parameters.context(voter.credential());
        Element publicKey = parameters.publicKey();
        List<EncryptedChoice> choices = new ArrayList<>();
        BigInteger rSum = BigInteger.ZERO;
        for (int j = 0; j < values.length; j++) {
            BigInteger r = GROUP.randomScalar(random);
            Element alpha = GROUP.base(r);
            Element beta = publicKey.multiply(r).add(GROUP.base(BigInteger.valueOf(values[j])));
            DisjunctiveProof proof = j == 0 && simulateFirst
                    ? new DisjunctiveProof(List.of(randomBranch(random), randomBranch(random)))
                    : DisjunctiveProof.prove(new DisjunctiveProof.Statement(context, j, publicKey, alpha, beta, 0, 2),
                            Math.min(values[j], 1), r, DisjunctiveProof.Randomness.draw(2, random));
            choices.add(new EncryptedChoice(alpha, beta, proof));
            rSum = rSum.add(r);
        }
        DisjunctiveProof.Statement overall = new DisjunctiveProof.Statement(context, DisjunctiveProof.OVERALL_INDEX,
                publicKey, GROUP.sum(choices.stream().map(EncryptedChoice::alpha).toList()),
                GROUP.sum(choices.stream().map(EncryptedChoice::beta).toList()), parameters.minChoices(),
                parameters.overallBranches());
        DisjunctiveProof overallProof = DisjunctiveProof.prove(overall, claimedTotal - parameters.minChoices(),
                rSum.mod(GROUP.order()), DisjunctiveProof.Randomness.draw(parameters.overallBranches(), random));
        return voter.sign(new EncryptedBallot(parameters.electionId(), voter.credential(), choices, overallProof,
                new byte[Credential.SIGNATURE_BYTES]));
    }

    private static DisjunctiveProof.Branch randomBranch(SecureRandom random) {
        return new DisjunctiveProof.Branch(GROUP.randomScalar(random), GROUP.randomScalar(random));
    }

    /** The ballot under another voter's credential, signed by that voter: the proofs stay bound to the first. */
    static EncryptedBallot copiedBy(Voter thief, EncryptedBallot ballot) {
        return thief.sign(new EncryptedBallot(ballot.electionId(), thief.credential(), ballot.choices(), ballot.overall(),
                ballot.signature()));
    }
}
