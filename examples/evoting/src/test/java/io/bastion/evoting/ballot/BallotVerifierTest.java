package io.bastion.evoting.ballot;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bastion.evoting.ballot.BallotFixtures.Election;
import io.bastion.evoting.ballot.BallotFixtures.Voter;
import io.bastion.threshold.Element;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import static io.bastion.evoting.ballot.BallotFixtures.GROUP;
import static io.bastion.evoting.ballot.BallotFixtures.b64;
import static io.bastion.evoting.ballot.BallotFixtures.choice;
import static io.bastion.evoting.ballot.BallotFixtures.flipped;
import static io.bastion.evoting.ballot.BallotFixtures.offCurvePoint;
import static io.bastion.evoting.ballot.BallotFixtures.resignedRefusal;
import static io.bastion.evoting.ballot.BallotFixtures.unb64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Honest ballots verify; every kind of tampering is refused, with its reason. */
class BallotVerifierTest {
    private static final int[][] SHAPES = {{2, 1, 1}, {3, 1, 1}, {3, 0, 3}, {2, 0, 1}, {4, 2, 3}, {5, 0, 5}, {6, 6, 6},
            {7, 1, 3}};

    @Test
    void honestBallotsVerifyForEveryShapeOfElection() {
        SecureRandom random = BallotFixtures.seeded(1);
        for (int[] shape : SHAPES) {
            Election election = Election.random(40 + shape[0], shape[0], shape[1], shape[2], random);
            BallotVerifier verifier = election.verifier();
            for (int i = 0; i < 3; i++) {
                Voter voter = Voter.random(random);
                int[] choices = BallotFixtures.randomChoices(election.parameters(), random);
                EncryptedBallot ballot = voter.cast(election.parameters(), choices, random);
                String what = String.format("k=%d, %d..%d, ballot %d", shape[0], shape[1], shape[2], i);
                assertThat(verifier.verify(ballot)).as(what).isNull();
                assertThat(ballot.bytes()).as(what).hasSize(EncryptedBallot.HEADER_BYTES
                        + shape[0] * EncryptedBallot.OPTION_BYTES + 1 + (shape[2] - shape[1] + 1) * EncryptedBallot.BRANCH_BYTES);
                String json = BallotJson.write(ballot);
                assertThat(BallotJson.parse(json)).as(what).isEqualTo(ballot);
                assertThat(BallotJson.write(BallotJson.parse(json))).as(what).isEqualTo(json);
                assertThat(ballot.tracker()).isEqualTo(Tracker.of(ballot.bytes()));
                for (int j = 0; j < choices.length; j++) {
                    EncryptedChoice c = ballot.choices().get(j);
                    Element m = c.beta().subtract(c.alpha().multiply(election.secret()));
                    assertThat(m).as("%s option %d decrypts", what, j).isEqualTo(GROUP.base(BigInteger.valueOf(choices[j])));
                }
            }
        }
    }

    @Test
    void aBallotSignedWithAJdkKeyVerifies() {
        SecureRandom random = BallotFixtures.seeded(2);
        Election election = Election.random(3, 3, 1, 1, random);
        KeyPair key = BallotFixtures.jdkCredentialKey(random);
        EncryptedBallot ballot = BallotBuilder.build(election.parameters(), new int[] {0, 1, 0}, key, random);
        assertThat(election.verifier().verify(ballot)).isNull();
        assertThat(ballot.credential()).isEqualTo(Credential.of(key.getPublic()));
    }

    @Test
    void theBuilderRefusesChoicesItCouldNotProve() {
        SecureRandom random = BallotFixtures.seeded(3);
        BallotParameters parameters = Election.random(3, 3, 1, 2, random).parameters();
        Voter voter = Voter.random(random);
        assertThatThrownBy(() -> voter.cast(parameters, new int[] {1, 1, 1}, random))
                .hasMessage("3 options chosen; this election allows 1..2");
        assertThatThrownBy(() -> voter.cast(parameters, new int[] {0, 0, 0}, random))
                .hasMessage("0 options chosen; this election allows 1..2");
        assertThatThrownBy(() -> voter.cast(parameters, new int[] {2, 0, 0}, random)).hasMessage("each choice is 0 or 1, not 2");
        assertThatThrownBy(() -> voter.cast(parameters, new int[] {1, 0}, random)).hasMessage("2 choices for 3 options");
    }

    @Test
    void aBallotForAnotherElectionOrShapeIsRefused() {
        SecureRandom random = BallotFixtures.seeded(4);
        Election election = Election.random(3, 3, 1, 1, random);
        Voter voter = Voter.random(random);
        EncryptedBallot ballot = voter.cast(election.parameters(), new int[] {1, 0, 0}, random);
        BigInteger secret = election.secret();

        assertThat(Election.of(7, 3, 1, 1, secret).verifier().verify(ballot)).isEqualTo("ballot is for election 3, not 7");
        assertThat(Election.of(3, 4, 1, 1, secret).verifier().verify(ballot)).isEqualTo("ballot has 3 options, the election has 4");
        assertThat(Election.of(3, 3, 1, 2, secret).verifier().verify(ballot))
                .isEqualTo("the overall proof must have 2 (A, B, c, s) branches for 1..2 choices, not 1");
        // Same shape, other bounds or another key: the context differs, so the very first proof fails.
        assertThat(Election.of(3, 3, 2, 2, secret).verifier().verify(ballot)).isEqualTo("option 0: the 0/1 proof does not verify");
        assertThat(Election.of(3, 3, 1, 1, secret.add(BigInteger.ONE)).verifier().verify(ballot))
                .isEqualTo("option 0: the 0/1 proof does not verify");
        EncryptedBallot fourOptions = voter.cast(Election.of(3, 4, 1, 1, secret).parameters(), new int[] {0, 0, 0, 1}, random);
        assertThat(election.verifier().verify(fourOptions)).isEqualTo("ballot has 4 options, the election has 3");
    }

    @Test
    void anyChangeToTheBytesBreaksTheSignature() {
        SecureRandom random = BallotFixtures.seeded(5);
        Election election = Election.random(3, 3, 0, 2, random);
        EncryptedBallot ballot = Voter.random(random).cast(election.parameters(), new int[] {1, 0, 1}, random);
        byte[] signature = ballot.signature();
        signature[40] ^= 1;
        assertThat(election.verifier().verify(ballot.withSignature(signature)))
                .isEqualTo("signature does not verify under the credential");
        assertThat(election.verifier().verify(ballot.withSignature(new byte[64])))
                .isEqualTo("signature does not verify under the credential");
        EncryptedBallot swapped = new EncryptedBallot(ballot.electionId(), ballot.credential(),
                List.of(ballot.choices().get(1), ballot.choices().get(0), ballot.choices().get(2)), ballot.overall(),
                ballot.signature());
        assertThat(election.verifier().verify(swapped)).isEqualTo("signature does not verify under the credential");
    }

    /**
     * A flipped bit in any α, β, A, B, c or s, signed again by the voter: the ballot no longer parses
     * (the bytes are no point, or no canonical scalar) or the proof that covers the bit fails.
     */
    @Test
    void aFlippedBitInAnyCiphertextOrProofIsRefused() {
        SecureRandom random = BallotFixtures.seeded(6);
        Election election = Election.random(3, 3, 1, 2, random);
        Voter voter = Voter.random(random);
        EncryptedBallot ballot = voter.cast(election.parameters(), new int[] {0, 1, 1}, random);
        BallotVerifier verifier = election.verifier();
        int refusedByProof = 0;
        for (int j = 0; j < 3; j++) {
            for (String field : List.of("alpha", "beta", "A0", "B0", "c0", "s0", "A1", "B1", "c1", "s1")) {
                for (int flip = 0; flip < 3; flip++) {
                    int bit = random.nextInt(isPoint(field) ? 264 : 256);
                    ObjectNode tree = BallotJson.toNode(ballot);
                    ObjectNode choice = (ObjectNode) tree.get("choices").get(j);
                    flip(choice, field, bit);
                    String why = resignedRefusal(verifier, voter, tree);
                    assertThat(why).as("option %d %s bit %d", j, field, bit).isIn(
                            "option " + j + ": the 0/1 proof does not verify",
                            "choices[" + j + "]." + pathOf(field) + ": not a point on P-256",
                            "choices[" + j + "]." + pathOf(field) + ": not a compressed point (first byte 0x02 or 0x03)",
                            "choices[" + j + "]." + pathOf(field) + ": not below the group order");
                    if (why.endsWith("does not verify")) {
                        refusedByProof++;
                    }
                }
            }
        }
        for (String field : List.of("c0", "s0", "c1", "s1")) {
            ObjectNode tree = BallotJson.toNode(ballot);
            flip(tree, field, 255); // the lowest bit: still canonical
            assertThat(resignedRefusal(verifier, voter, tree)).as("overall %s", field)
                    .isEqualTo("the overall proof does not verify: the number of choices must be 1..2");
        }
        for (String field : List.of("A0", "B0")) {
            ObjectNode tree = BallotJson.toNode(ballot);
            flip(tree, field, 7); // prefix 0x02 and 0x03 swapped: the point's negation
            assertThat(resignedRefusal(verifier, voter, tree)).as("overall %s", field)
                    .isEqualTo("the overall proof does not verify: the number of choices must be 1..2");
        }
        assertThat(refusedByProof).as("most flips give valid encodings that the proofs refuse").isGreaterThan(40);
    }

    private static boolean isPoint(String field) {
        return field.equals("alpha") || field.equals("beta") || field.startsWith("A") || field.startsWith("B");
    }

    /** The path of a field as the reader names it: alpha, beta, proof[k][0..3] for A, B, c, s of branch k. */
    private static String pathOf(String field) {
        return switch (field) {
            case "alpha", "beta" -> field;
            default -> "proof[" + field.charAt(1) + "][" + "ABcs".indexOf(field.charAt(0)) + "]";
        };
    }

    /** Flips {@code bit} (0 = the most significant of the first byte) of a field of a choice or of the overall proof. */
    private static void flip(ObjectNode node, String field, int bit) {
        if (field.equals("alpha") || field.equals("beta")) {
            node.put(field, b64(flipped(unb64(node.get(field).asText()), bit)));
            return;
        }
        ArrayNode branches = (ArrayNode) (node.has("proof") ? node.get("proof") : node.get("overall"));
        ArrayNode branch = (ArrayNode) branches.get(field.charAt(1) - '0');
        int which = "ABcs".indexOf(field.charAt(0));
        branch.set(which, b64(flipped(unb64(branch.get(which).asText()), bit)));
    }

    @Test
    void aNonCanonicalScalarIsRefused() {
        SecureRandom random = BallotFixtures.seeded(7);
        Election election = Election.random(3, 3, 1, 1, random);
        Voter voter = Voter.random(random);
        EncryptedBallot ballot = voter.cast(election.parameters(), new int[] {0, 0, 1}, random);
        // In JSON: the reader refuses q itself and the largest 32-byte value.
        for (BigInteger big : List.of(GROUP.order(), BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE))) {
            ObjectNode tree = BallotJson.toNode(ballot);
            ArrayNode branch = (ArrayNode) tree.get("choices").get(1).get("proof").get(0);
            branch.set(2, b64(EncryptedBallot.scalar(big)));
            assertThat(resignedRefusal(election.verifier(), voter, tree))
                    .isEqualTo("choices[1].proof[0][2]: not below the group order");
        }
        // As objects: the verifier refuses q, which is 0 mod q, as a response.
        EncryptedChoice honest = ballot.choices().get(1);
        List<DisjunctiveProof.Branch> branches = new ArrayList<>(honest.proof().branches());
        DisjunctiveProof.Branch first = branches.getFirst();
        branches.set(0, new DisjunctiveProof.Branch(first.a(), first.b(), first.challenge(), GROUP.order()));
        List<EncryptedChoice> choices = new ArrayList<>(ballot.choices());
        choices.set(1, new EncryptedChoice(honest.alpha(), honest.beta(), new DisjunctiveProof(branches)));
        EncryptedBallot lifted = voter.sign(new EncryptedBallot(3, ballot.credential(), choices, ballot.overall(),
                ballot.signature()));
        assertThat(election.verifier().verify(lifted)).isEqualTo("option 1: the 0/1 proof does not verify");
    }

    @Test
    void pointsOffTheCurveAndTheIdentityAreRefused() {
        SecureRandom random = BallotFixtures.seeded(8);
        Election election = Election.random(3, 3, 1, 1, random);
        Voter voter = Voter.random(random);
        EncryptedBallot ballot = voter.cast(election.parameters(), new int[] {0, 1, 0}, random);
        BallotVerifier verifier = election.verifier();
        assertThat(refusalWith(ballot, verifier, tree -> choice(tree, 2).put("beta", b64(offCurvePoint())), voter))
                .isEqualTo("choices[2].beta: not a point on P-256");
        byte[] xTooBig = new byte[33];
        Arrays.fill(xTooBig, (byte) 0xff);
        xTooBig[0] = 0x02;
        assertThat(refusalWith(ballot, verifier, tree -> choice(tree, 0).put("alpha", b64(xTooBig)), voter))
                .isEqualTo("choices[0].alpha: not a point on P-256");
        assertThat(refusalWith(ballot, verifier, tree -> choice(tree, 1).put("alpha", b64(new byte[33])), voter))
                .isEqualTo("choices[1].alpha: the identity is not allowed");
        byte[] uncompressed = GROUP.generator().encode();
        uncompressed[0] = 0x04;
        assertThat(refusalWith(ballot, verifier, tree -> choice(tree, 1).put("beta", b64(uncompressed)), voter))
                .isEqualTo("choices[1].beta: not a compressed point (first byte 0x02 or 0x03)");
        assertThatThrownBy(() -> new EncryptedChoice(GROUP.identity(), GROUP.generator(), ballot.choices().get(0).proof()))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] credential = ballot.credential().bytes();
        credential[64] ^= 1;
        assertThat(refusalWith(ballot, verifier, tree -> tree.put("credential", b64(credential)), voter))
                .isEqualTo("credential: not a point on P-256");
    }

    /**
     * A commitment at the identity is never made nor read: the prover refuses the randomness that
     * would give one, a branch cannot hold one, and the reader refuses its encoding.
     */
    @Test
    void aCommitmentAtTheIdentityIsRefused() {
        SecureRandom random = BallotFixtures.seeded(9);
        Election election = Election.random(3, 2, 1, 1, random);
        Voter voter = Voter.random(random);
        BigInteger r = GROUP.randomScalar(random);
        Element alpha = GROUP.base(r);
        Element beta = election.parameters().publicKey().multiply(r); // encrypts 0
        DisjunctiveProof.Statement statement = new DisjunctiveProof.Statement(
                election.parameters().context(voter.credential()), 0, election.parameters().publicKey(), alpha, beta, 0, 2);
        // Branch 1 simulated with s = r, c = 1: A_1 = r·G − α = identity.
        DisjunctiveProof.Randomness rigged = new DisjunctiveProof.Randomness(GROUP.randomScalar(random),
                List.of(new DisjunctiveProof.Simulated(BigInteger.ONE, r)));
        assertThatThrownBy(() -> DisjunctiveProof.prove(statement, 0, r, rigged)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("identity");
        DisjunctiveProof fair = DisjunctiveProof.prove(statement, 0, r, DisjunctiveProof.Randomness.draw(2, random));
        assertThat(fair.verifies(statement)).isTrue();
        assertThatThrownBy(() -> new DisjunctiveProof.Branch(GROUP.identity(), GROUP.generator(), BigInteger.ONE,
                BigInteger.ONE)).isInstanceOf(IllegalArgumentException.class);
        EncryptedBallot ballot = voter.cast(election.parameters(), new int[] {1, 0}, random);
        assertThat(refusalWith(ballot, election.verifier(), tree -> ((ArrayNode) choice(tree, 0).get("proof").get(1))
                .set(1, b64(new byte[33])), voter)).isEqualTo("choices[0].proof[1][1]: the identity is not allowed");
    }

    @Test
    void aBallotReSignedUnderAnotherCredentialIsRefused() {
        SecureRandom random = BallotFixtures.seeded(10);
        Election election = Election.random(3, 3, 1, 1, random);
        EncryptedBallot ballot = Voter.random(random).cast(election.parameters(), new int[] {1, 0, 0}, random);
        EncryptedBallot copied = Forgeries.copiedBy(Voter.random(random), ballot);
        assertThat(election.verifier().verify(copied)).isEqualTo("option 0: the 0/1 proof does not verify");
    }

    /** An option encrypting 2, its 0/1 proof simulated or made for a false statement: refused, though the total is allowed. */
    @Test
    void anOptionEncryptingTwoIsRefused() {
        SecureRandom random = BallotFixtures.seeded(11);
        Election election = Election.random(3, 3, 0, 3, random);
        Voter voter = Voter.random(random);
        for (boolean simulateBoth : new boolean[] {true, false}) {
            EncryptedBallot ballot = Forgeries.forged(election.parameters(), voter, new int[] {2, 0, 0}, 2, simulateBoth,
                    random);
            assertThat(election.verifier().verify(ballot)).as("simulated both: %s", simulateBoth)
                    .isEqualTo("option 0: the 0/1 proof does not verify");
        }
    }

    /** Honest 0/1 options whose total is outside min..max: the overall proof, made for a false value, is refused. */
    @Test
    void aTotalOutsideTheAllowedRangeIsRefused() {
        SecureRandom random = BallotFixtures.seeded(12);
        for (int[] bounds : new int[][] {{1, 1}, {2, 3}}) {
            Election election = Election.random(3, 3, bounds[0], bounds[1], random);
            int[] values = bounds[0] == 1 ? new int[] {1, 1, 0} : new int[] {0, 0, 1};
            EncryptedBallot ballot = Forgeries.forged(election.parameters(), Voter.random(random), values, bounds[0], false,
                    random);
            assertThat(election.verifier().verify(ballot)).isEqualTo(
                    "the overall proof does not verify: the number of choices must be " + bounds[0] + ".." + bounds[1]);
        }
    }

    /**
     * The verifier checks all proofs' equations as one weighted sum, and looks at proofs one by one
     * only when that fails. It must give the verdict of checking each proof alone, in order: the same
     * ballots accepted, the same proof named. Random false proofs of every kind: a commitment moved
     * (the challenges made to add up again or not), a challenge or a response changed, one or two
     * proofs broken at once.
     */
    @Test
    void theBatchedCheckAgreesWithCheckingEachProofAlone() {
        SecureRandom random = BallotFixtures.seeded(13);
        int refused = 0;
        for (int[] shape : new int[][] {{2, 1, 1}, {3, 0, 3}, {4, 1, 2}}) {
            Election election = Election.random(50 + shape[0], shape[0], shape[1], shape[2], random);
            BallotParameters parameters = election.parameters();
            BallotVerifier verifier = election.verifier();
            Voter voter = Voter.random(random);
            for (int trial = 0; trial < 12; trial++) {
                EncryptedBallot ballot = voter.cast(parameters, BallotFixtures.randomChoices(parameters, random), random);
                assertThat(verifier.verify(ballot)).isNull();
                int broken = 1 + random.nextInt(2);
                for (int i = 0; i < broken; i++) {
                    ballot = brokenAtRandom(parameters, voter, ballot, random);
                }
                String alone = eachProofAlone(parameters, ballot);
                assertThat(verifier.verify(ballot)).as("k=%d, %d..%d, trial %d", shape[0], shape[1], shape[2], trial)
                        .isEqualTo(alone);
                refused += alone == null ? 0 : 1;
            }
        }
        assertThat(refused).as("every false proof is refused").isEqualTo(36);
    }

    /** One branch of one proof made false, in one of five ways. */
    private static EncryptedBallot brokenAtRandom(BallotParameters parameters, Voter voter, EncryptedBallot ballot,
                                                  SecureRandom random) {
        int p = random.nextInt(parameters.options() + 1);
        int k = random.nextInt(p == parameters.options() ? parameters.overallBranches() : 2);
        BigInteger delta = BigInteger.valueOf(1 + random.nextInt(1000));
        return switch (random.nextInt(5)) {
            case 0 -> Forgeries.commitmentMoved(parameters, voter, ballot, p, k, random.nextBoolean());
            case 1 -> Forgeries.withBranch(ballot, voter, p, k, b -> new DisjunctiveProof.Branch(b.a(),
                    b.b().add(GROUP.base(delta)), b.challenge(), b.response()));
            case 2 -> Forgeries.withBranch(ballot, voter, p, k, b -> new DisjunctiveProof.Branch(b.a(), b.b(),
                    b.challenge().add(delta).mod(GROUP.order()), b.response()));
            case 3 -> Forgeries.withBranch(ballot, voter, p, k, b -> new DisjunctiveProof.Branch(b.a(), b.b(),
                    b.challenge(), b.response().add(delta).mod(GROUP.order())));
            default -> Forgeries.responsesShifted(ballot, voter, p == parameters.options() ? 0 : p,
                    p == 0 ? parameters.options() - 1 : 0);
        };
    }

    /** The refusal of checking each proof on its own, in order (challenges, then every equation exactly). */
    private static String eachProofAlone(BallotParameters parameters, EncryptedBallot ballot) {
        for (int p = 0; p <= parameters.options(); p++) {
            DisjunctiveProof proof = p == parameters.options() ? ballot.overall() : ballot.choices().get(p).proof();
            if (!proof.verifies(Forgeries.statement(parameters, ballot, p))) {
                return p < parameters.options() ? "option " + p + ": the 0/1 proof does not verify"
                        : "the overall proof does not verify: the number of choices must be " + parameters.choicesRange();
            }
        }
        return null;
    }

    /**
     * Why the equations are weighted: responses changed so that the errors of four equations are
     * −G, −PK, +G and +PK. Their plain sum is the identity, so a check with all weights 1 would accept
     * the ballot; with the ballot's weights it is refused, and option 0 named.
     */
    @Test
    void errorsThatCancelInAPlainSumAreCaughtByTheWeights() {
        SecureRandom random = BallotFixtures.seeded(14);
        Election election = Election.random(3, 3, 1, 1, random);
        Voter voter = Voter.random(random);
        EncryptedBallot honest = voter.cast(election.parameters(), new int[] {0, 1, 0}, random);
        EncryptedBallot shifted = Forgeries.responsesShifted(honest, voter, 0, 2);
        BallotVerifier verifier = election.verifier();
        for (int p = 0; p <= 3; p++) {
            DisjunctiveProof proof = p == 3 ? shifted.overall() : shifted.choices().get(p).proof();
            assertThat(proof.challengesAddUp(Forgeries.statement(election.parameters(), shifted, p))).isTrue();
        }
        assertThat(verifier.equationsHoldTogether(shifted, () -> BigInteger.ONE)).as("unweighted").isTrue();
        byte[] context = election.parameters().context(voter.credential());
        assertThat(verifier.equationsHoldTogether(shifted, EquationBatch.weights(context, shifted.bytes()))).isFalse();
        assertThat(verifier.verify(shifted)).isEqualTo("option 0: the 0/1 proof does not verify");
        assertThat(verifier.equationsHoldTogether(honest, EquationBatch.weights(context, honest.bytes()))).isTrue();
    }

    /** The weights are 128-bit numbers fixed by the ballot's bytes and context: the same for every replica, new for any change. */
    @Test
    void theWeightsAreAHashOfTheBallotAndItsContext() {
        byte[] context = {1, 2, 3};
        byte[] bytes = {4, 5, 6, 7};
        List<BigInteger> weights = first(8, EquationBatch.weights(context, bytes));
        assertThat(weights).isEqualTo(first(8, EquationBatch.weights(context.clone(), bytes.clone())));
        assertThat(weights).doesNotHaveDuplicates().allSatisfy(z -> assertThat(z.signum()).isPositive())
                .allSatisfy(z -> assertThat(z.bitLength()).isLessThanOrEqualTo(EquationBatch.WEIGHT_BITS));
        assertThat(weights.stream().mapToInt(BigInteger::bitLength).max().orElseThrow()).isGreaterThan(120);
        assertThat(first(8, EquationBatch.weights(context, new byte[] {4, 5, 6, 8}))).doesNotContainAnyElementsOf(weights);
        assertThat(first(8, EquationBatch.weights(new byte[] {1, 2}, new byte[] {3, 4, 5, 6, 7})))
                .doesNotContainAnyElementsOf(weights);
    }

    private static List<BigInteger> first(int count, java.util.function.Supplier<BigInteger> weights) {
        List<BigInteger> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(weights.get());
        }
        return out;
    }

    private static String refusalWith(EncryptedBallot ballot, BallotVerifier verifier, Consumer<ObjectNode> change,
                                      Voter voter) {
        ObjectNode tree = BallotJson.toNode(ballot);
        change.accept(tree);
        return resignedRefusal(verifier, voter, tree);
    }
}
