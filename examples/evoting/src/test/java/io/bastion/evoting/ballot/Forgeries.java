package io.bastion.evoting.ballot;

import io.bastion.evoting.ballot.BallotFixtures.Voter;
import io.bastion.threshold.Element;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

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
        return new DisjunctiveProof.Branch(GROUP.base(GROUP.randomScalar(random)), GROUP.base(GROUP.randomScalar(random)),
                GROUP.randomScalar(random), GROUP.randomScalar(random));
    }

    /**
     * The ballot with branch {@code k} of proof {@code p} changed and signed again by {@code voter};
     * proof {@code p} is option {@code p}'s, or the overall proof when {@code p} is the number of options.
     */
    static EncryptedBallot withBranch(EncryptedBallot ballot, Voter voter, int p, int k,
                                      UnaryOperator<DisjunctiveProof.Branch> change) {
        List<EncryptedChoice> choices = new ArrayList<>(ballot.choices());
        DisjunctiveProof overall = ballot.overall();
        if (p == choices.size()) {
            overall = changed(overall, k, change);
        } else {
            EncryptedChoice choice = choices.get(p);
            choices.set(p, new EncryptedChoice(choice.alpha(), choice.beta(), changed(choice.proof(), k, change)));
        }
        return voter.sign(new EncryptedBallot(ballot.electionId(), ballot.credential(), choices, overall,
                ballot.signature()));
    }

    /**
     * The ballot with commitment A_k (or B_k, when {@code b}) of proof {@code p} moved by G and c_k set
     * so that the proof's challenges add up again: a false proof only its linear equations reveal.
     */
    static EncryptedBallot commitmentMoved(BallotParameters parameters, Voter voter, EncryptedBallot ballot, int p, int k,
                                           boolean b) {
        EncryptedBallot moved = withBranch(ballot, voter, p, k, branch -> new DisjunctiveProof.Branch(
                b ? branch.a() : branch.a().add(GROUP.generator()), b ? branch.b().add(GROUP.generator()) : branch.b(),
                branch.challenge(), branch.response()));
        DisjunctiveProof.Statement statement = statement(parameters, moved, p);
        DisjunctiveProof proof = p == parameters.options() ? moved.overall() : moved.choices().get(p).proof();
        List<Element> commitments = new ArrayList<>();
        BigInteger others = BigInteger.ZERO;
        for (int i = 0; i < proof.branches().size(); i++) {
            commitments.add(proof.branches().get(i).a());
            commitments.add(proof.branches().get(i).b());
            others = i == k ? others : others.add(proof.branches().get(i).challenge());
        }
        BigInteger challenge = statement.challenge(commitments).subtract(others).mod(GROUP.order());
        return withBranch(moved, voter, p, k, branch -> new DisjunctiveProof.Branch(branch.a(), branch.b(), challenge,
                branch.response()));
    }

    /** The statement proof {@code p} of {@code ballot} proves (the overall one when p is the number of options). */
    static DisjunctiveProof.Statement statement(BallotParameters parameters, EncryptedBallot ballot, int p) {
        byte[] context = parameters.context(ballot.credential());
        if (p < parameters.options()) {
            EncryptedChoice choice = ballot.choices().get(p);
            return new DisjunctiveProof.Statement(context, p, parameters.publicKey(), choice.alpha(), choice.beta(), 0, 2);
        }
        return new DisjunctiveProof.Statement(context, DisjunctiveProof.OVERALL_INDEX, parameters.publicKey(),
                GROUP.sum(ballot.choices().stream().map(EncryptedChoice::alpha).toList()),
                GROUP.sum(ballot.choices().stream().map(EncryptedChoice::beta).toList()), parameters.minChoices(),
                parameters.overallBranches());
    }

    /**
     * The ballot with s₀ of option {@code first} raised by 1 and s₀ of option {@code second} lowered by 1.
     * The challenges still add up (responses are not hashed) and the four broken equations err by
     * −G, −PK, +G and +PK: an unweighted sum of all equations would still be the identity.
     */
    static EncryptedBallot responsesShifted(EncryptedBallot ballot, Voter voter, int first, int second) {
        EncryptedBallot raised = withBranch(ballot, voter, first, 0, branch -> new DisjunctiveProof.Branch(branch.a(),
                branch.b(), branch.challenge(), branch.response().add(BigInteger.ONE).mod(GROUP.order())));
        return withBranch(raised, voter, second, 0, branch -> new DisjunctiveProof.Branch(branch.a(), branch.b(),
                branch.challenge(), branch.response().subtract(BigInteger.ONE).mod(GROUP.order())));
    }

    private static DisjunctiveProof changed(DisjunctiveProof proof, int k, UnaryOperator<DisjunctiveProof.Branch> change) {
        List<DisjunctiveProof.Branch> branches = new ArrayList<>(proof.branches());
        branches.set(k, change.apply(branches.get(k)));
        return new DisjunctiveProof(branches);
    }

    /** The ballot under another voter's credential, signed by that voter: the proofs stay bound to the first. */
    static EncryptedBallot copiedBy(Voter thief, EncryptedBallot ballot) {
        return thief.sign(new EncryptedBallot(ballot.electionId(), thief.credential(), ballot.choices(), ballot.overall(),
                ballot.signature()));
    }
}
