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
                        + shape[0] * EncryptedBallot.OPTION_BYTES + 1 + (shape[2] - shape[1] + 1) * EncryptedBallot.PAIR_BYTES);
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
                .isEqualTo("the overall proof must have 2 (c, s) pairs for 1..2 choices, not 1");
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
     * A flipped bit in any α, β, c or s, signed again by the voter: the ballot no longer parses (the
     * bytes are no point, or no canonical scalar) or the proof that covers the bit fails.
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
            for (String field : List.of("alpha", "beta", "c0", "s0", "c1", "s1")) {
                for (int flip = 0; flip < 3; flip++) {
                    int bit = random.nextInt(field.length() > 2 ? 264 : 256);
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
        assertThat(refusedByProof).as("most flips give valid encodings that the proofs refuse").isGreaterThan(20);
    }

    /** The path of a field as the reader names it: alpha, beta, proof[k][0|1]. */
    private static String pathOf(String field) {
        return switch (field) {
            case "alpha", "beta" -> field;
            default -> "proof[" + field.charAt(1) + "][" + (field.charAt(0) == 'c' ? 0 : 1) + "]";
        };
    }

    /** Flips {@code bit} (0 = the most significant of the first byte) of a field of a choice or of the overall proof. */
    private static void flip(ObjectNode node, String field, int bit) {
        if (field.equals("alpha") || field.equals("beta")) {
            node.put(field, b64(flipped(unb64(node.get(field).asText()), bit)));
            return;
        }
        ArrayNode pairs = (ArrayNode) (node.has("proof") ? node.get("proof") : node.get("overall"));
        ArrayNode pair = (ArrayNode) pairs.get(field.charAt(1) - '0');
        int which = field.charAt(0) == 'c' ? 0 : 1;
        pair.set(which, b64(flipped(unb64(pair.get(which).asText()), bit)));
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
            ArrayNode pair = (ArrayNode) tree.get("choices").get(1).get("proof").get(0);
            pair.set(0, b64(EncryptedBallot.scalar(big)));
            assertThat(resignedRefusal(election.verifier(), voter, tree))
                    .isEqualTo("choices[1].proof[0][0]: not below the group order");
        }
        // As objects: the verifier refuses q, which is 0 mod q, as a response.
        EncryptedChoice honest = ballot.choices().get(1);
        List<DisjunctiveProof.Branch> branches = new ArrayList<>(honest.proof().branches());
        DisjunctiveProof.Branch first = branches.getFirst();
        branches.set(0, new DisjunctiveProof.Branch(first.challenge(), GROUP.order()));
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

    /** A proof whose recomputed commitment is the identity is refused, even when its challenges add up. */
    @Test
    void aCommitmentAtTheIdentityIsRefused() {
        SecureRandom random = BallotFixtures.seeded(9);
        Election election = Election.random(3, 2, 1, 1, random);
        Credential credential = Voter.random(random).credential();
        BigInteger r = GROUP.randomScalar(random);
        Element alpha = GROUP.base(r);
        Element beta = election.parameters().publicKey().multiply(r); // encrypts 0
        DisjunctiveProof.Statement statement = new DisjunctiveProof.Statement(election.parameters().context(credential), 0,
                election.parameters().publicKey(), alpha, beta, 0, 2);
        // Branch 1 simulated with s = c·r', c = 1: A_1 = r·G − α = identity.
        DisjunctiveProof.Randomness rigged = new DisjunctiveProof.Randomness(GROUP.randomScalar(random),
                List.of(new DisjunctiveProof.Branch(BigInteger.ONE, r)));
        DisjunctiveProof proof = DisjunctiveProof.prove(statement, 0, r, rigged);
        assertThat(proof.verifies(statement)).isFalse();
        DisjunctiveProof fair = DisjunctiveProof.prove(statement, 0, r, DisjunctiveProof.Randomness.draw(2, random));
        assertThat(fair.verifies(statement)).isTrue();
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

    private static String refusalWith(EncryptedBallot ballot, BallotVerifier verifier, Consumer<ObjectNode> change,
                                      Voter voter) {
        ObjectNode tree = BallotJson.toNode(ballot);
        change.accept(tree);
        return resignedRefusal(verifier, voter, tree);
    }
}
