package io.bastion.evoting.ballot;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bastion.core.util.Hex;
import io.bastion.evoting.ballot.BallotFixtures.Election;
import io.bastion.evoting.ballot.BallotFixtures.Voter;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

import static io.bastion.evoting.ballot.BallotFixtures.GROUP;
import static io.bastion.evoting.ballot.BallotFixtures.b64;
import static io.bastion.evoting.ballot.BallotFixtures.choice;
import static io.bastion.evoting.ballot.BallotFixtures.flipped;
import static io.bastion.evoting.ballot.BallotFixtures.nonCanonical;
import static io.bastion.evoting.ballot.BallotFixtures.offCurvePoint;
import static io.bastion.evoting.ballot.BallotFixtures.unb64;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ballots bastion-js is tested against ({@code bastion-js/test/ballot-vectors.json}), made here
 * by the Java builder from fixed keys and fixed randomness listed in the file, with the weights of
 * their equations: the JavaScript test rebuilds each byte for byte, derives the same weights, and
 * must refuse each tampered one with the same words. Fails when the
 * file differs from what the Java side produces now; {@code -Dbastion.writeVectors=true} writes it anew.
 */
class BallotVectorsTest {
    static final Path FILE = Path.of("..", "..", "bastion-js", "test", "ballot-vectors.json");
    /** id (−1: the largest, 2^53 − 1), options, min, max. */
    private static final int[][] ELECTIONS = {{3, 3, 1, 1}, {7, 5, 0, 5}, {-1, 2, 0, 1}, {12, 4, 2, 3}};
    private static final int[][] BALLOTS = { // election, voter, choices...
            {0, 0, 0, 1, 0}, {0, 1, 1, 0, 0}, {1, 0, 1, 0, 1, 1, 0}, {1, 1, 0, 0, 0, 0, 0}, {2, 0, 1, 0}, {3, 1, 1, 0, 1, 1}};

    /** A scalar in [1, q − 1] fixed by a label: SHA-512("bastion-ballot-vectors/" ‖ label) mod (q − 1), plus 1. */
    static BigInteger scalar(String label) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-512")
                    .digest(("bastion-ballot-vectors/" + label).getBytes(StandardCharsets.UTF_8));
            return new BigInteger(1, digest).mod(GROUP.order().subtract(BigInteger.ONE)).add(BigInteger.ONE);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(BigInteger scalar) {
        return Hex.of(EncryptedBallot.scalar(scalar));
    }

    static Election election(int i) {
        int[] e = ELECTIONS[i];
        long id = e[0] == -1 ? BallotParameters.ELECTION_ID_MAX : e[0];
        return Election.of(id, e[1], e[2], e[3], scalar("election-" + i));
    }

    static Voter voter(int i) {
        return Voter.of(scalar("voter-" + i));
    }

    private static DisjunctiveProof.Randomness proofRandomness(String label, int values) {
        List<DisjunctiveProof.Simulated> simulated = new ArrayList<>();
        for (int k = 0; k < values - 1; k++) {
            simulated.add(new DisjunctiveProof.Simulated(scalar(label + "/c" + k), scalar(label + "/s" + k)));
        }
        return new DisjunctiveProof.Randomness(scalar(label + "/w"), simulated);
    }

    private static BallotRandomness randomness(int ballot, BallotParameters parameters) {
        List<BallotRandomness.Option> options = new ArrayList<>();
        for (int j = 0; j < parameters.options(); j++) {
            String label = "ballot-" + ballot + "/option-" + j;
            options.add(new BallotRandomness.Option(scalar(label + "/r"), proofRandomness(label, 2)));
        }
        return new BallotRandomness(options, proofRandomness("ballot-" + ballot + "/overall", parameters.overallBranches()));
    }

    static Map<String, Object> proofRandomnessJson(DisjunctiveProof.Randomness randomness) {
        List<List<String>> simulated = randomness.simulated().stream()
                .map(b -> List.of(hex(b.challenge()), hex(b.response()))).toList();
        return Map.of("w", hex(randomness.w()), "simulated", simulated);
    }

    static Map<String, Object> randomnessJson(BallotRandomness randomness) {
        List<Map<String, Object>> options = randomness.options().stream()
                .map(o -> Map.<String, Object>of("r", hex(o.r()), "proof", proofRandomnessJson(o.proof()))).toList();
        return Map.of("options", options, "overall", proofRandomnessJson(randomness.overall()));
    }

    /** The weights z_e of the ballot's equations, two per branch, each as 32 hex digits (16 bytes). */
    private static List<String> weightsHex(BallotParameters parameters, EncryptedBallot ballot) {
        Supplier<BigInteger> weights = EquationBatch.weights(parameters.context(ballot.credential()), ballot.bytes());
        int equations = 2 * (EncryptedChoice.PROOF_BRANCHES * parameters.options() + parameters.overallBranches());
        List<String> out = new ArrayList<>(equations);
        for (int e = 0; e < equations; e++) {
            out.add(Hex.of(Encoding.unsigned(weights.get(), EquationBatch.WEIGHT_BITS / 8)));
        }
        return out;
    }

    private static Map<String, Object> vectors() {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("about", "docs/ballots.md; written by BallotVectorsTest (bastion-evoting); checked by test/ballot-vectors.test.js");
        List<Map<String, Object>> elections = new ArrayList<>();
        for (int i = 0; i < ELECTIONS.length; i++) {
            Election e = election(i);
            BallotParameters p = e.parameters();
            elections.add(Map.of("electionId", p.electionId(), "options", p.options(), "minChoices", p.minChoices(),
                    "maxChoices", p.maxChoices(), "secretKey", hex(e.secret()), "publicKey", Hex.of(p.publicKey().encode())));
        }
        v.put("elections", elections);
        List<Map<String, Object>> voters = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            voters.add(Map.of("secretKey", hex(voter(i).secret()), "credential", Hex.of(voter(i).credential().bytes())));
        }
        v.put("voters", voters);

        List<Map<String, Object>> ballots = new ArrayList<>();
        List<EncryptedBallot> built = new ArrayList<>();
        for (int b = 0; b < BALLOTS.length; b++) {
            int[] row = BALLOTS[b];
            Election e = election(row[0]);
            int[] choices = Arrays.copyOfRange(row, 2, row.length);
            BallotRandomness randomness = randomness(b, e.parameters());
            Voter voter = voter(row[1]);
            EncryptedBallot ballot = BallotBuilder.build(e.parameters(), choices, voter.credential(), randomness, voter.signer());
            assertThat(e.verifier().verify(ballot)).as("ballot %d", b).isNull();
            built.add(ballot);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("election", row[0]);
            entry.put("voter", row[1]);
            entry.put("choices", choices);
            entry.put("randomness", randomnessJson(randomness));
            entry.put("bytes", Hex.of(ballot.bytes()));
            entry.put("tracker", ballot.tracker().hex());
            entry.put("json", BallotJson.write(ballot));
            String uncompressed = BallotJson.toNode(ballot, BallotJson.Points.UNCOMPRESSED).toString();
            assertThat(BallotJson.write(BallotJson.parse(uncompressed))).as("ballot %d sent uncompressed", b)
                    .isEqualTo(BallotJson.write(ballot));
            entry.put("jsonUncompressed", uncompressed);
            entry.put("weights", weightsHex(e.parameters(), ballot));
            ballots.add(entry);
        }
        v.put("ballots", ballots);
        v.put("tampered", tampered(built.getFirst()));
        return v;
    }

    /** Changed, forged and malformed ballots for election 0, each with the refusal both sides must give. */
    private static List<Map<String, Object>> tampered(EncryptedBallot ballot) {
        Election e0 = election(0);
        Voter voter = voter(0);
        SecureRandom random = BallotFixtures.seeded(77);
        List<Map<String, Object>> out = new ArrayList<>();
        Tampering t = new Tampering(out, e0.verifier(), voter, ballot);

        byte[] signature = ballot.signature();
        signature[10] ^= 0x20;
        t.add("signature changed", 0, BallotJson.write(ballot.withSignature(signature)),
                "signature does not verify under the credential");
        t.resigned("a bit of option 1's c0 flipped", tree -> flipBranchField(tree, 1, 0, 2, 255),
                "option 1: the 0/1 proof does not verify");
        t.resigned("a bit of option 0's s1 flipped", tree -> flipBranchField(tree, 0, 1, 3, 200),
                "option 0: the 0/1 proof does not verify");
        t.resigned("option 1's A0 negated", tree -> flipBranchField(tree, 1, 0, 0, 7),
                "option 1: the 0/1 proof does not verify");
        t.resigned("option 2's B1 negated", tree -> flipBranchField(tree, 2, 1, 1, 7),
                "option 2: the 0/1 proof does not verify");
        t.resigned("option 2's alpha negated", tree -> flipPoint(tree, 2, "alpha", 7),
                "option 2: the 0/1 proof does not verify");
        t.resigned("option 0's beta negated", tree -> flipPoint(tree, 0, "beta", 7),
                "option 0: the 0/1 proof does not verify");
        t.resigned("a bit of the overall c0 flipped", tree -> {
            ArrayNode branch = (ArrayNode) tree.get("overall").get(0);
            branch.set(2, b64(flipped(unb64(branch.get(2).asText()), 250)));
        }, "the overall proof does not verify: the number of choices must be 1..1");
        t.resigned("the overall A0 negated", tree -> {
            ArrayNode branch = (ArrayNode) tree.get("overall").get(0);
            branch.set(0, b64(flipped(unb64(branch.get(0).asText()), 7)));
        }, "the overall proof does not verify: the number of choices must be 1..1");
        BallotParameters p0 = e0.parameters();
        t.add("option 1's A0 moved by G, its c0 made to add up again", 0,
                BallotJson.write(Forgeries.commitmentMoved(p0, voter, ballot, 1, 0, false)),
                "option 1: the 0/1 proof does not verify");
        t.add("option 2's B1 moved by G, its c1 made to add up again", 0,
                BallotJson.write(Forgeries.commitmentMoved(p0, voter, ballot, 2, 1, true)),
                "option 2: the 0/1 proof does not verify");
        t.add("the overall B0 moved by G, its c0 made to add up again", 0,
                BallotJson.write(Forgeries.commitmentMoved(p0, voter, ballot, 3, 0, true)),
                "the overall proof does not verify: the number of choices must be 1..1");
        t.add("s0 of option 0 raised by 1 and of option 2 lowered by 1: errors an unweighted sum would cancel", 0,
                BallotJson.write(Forgeries.responsesShifted(ballot, voter, 0, 2)), "option 0: the 0/1 proof does not verify");
        t.add("option 2's challenges do not add up and option 1's equations do not hold: option 1 is named", 0,
                BallotJson.write(Forgeries.withBranch(Forgeries.commitmentMoved(p0, voter, ballot, 1, 1, false), voter, 2, 0,
                        branch -> new DisjunctiveProof.Branch(branch.a(), branch.b(),
                                branch.challenge().add(BigInteger.ONE).mod(GROUP.order()), branch.response()))),
                "option 1: the 0/1 proof does not verify");
        t.resigned("a scalar equal to q", tree -> ((ArrayNode) choice(tree, 0).get("proof").get(1))
                .set(3, b64(EncryptedBallot.scalar(GROUP.order()))), "choices[0].proof[1][3]: not below the group order");
        t.resigned("a commitment that is the identity", tree -> ((ArrayNode) choice(tree, 1).get("proof").get(0))
                .set(0, b64(new byte[33])), "choices[1].proof[0][0]: the identity is not allowed");
        t.resigned("a commitment off the curve", tree -> ((ArrayNode) choice(tree, 0).get("proof").get(1))
                .set(1, b64(offCurvePoint())), "choices[0].proof[1][1]: not a point on P-256");
        byte[] uncompressedCommitment = GROUP.generator().encode();
        uncompressedCommitment[0] = 0x04;
        t.resigned("a commitment with prefix 0x04", tree -> ((ArrayNode) choice(tree, 2).get("proof").get(0))
                .set(0, b64(uncompressedCommitment)), "choices[2].proof[0][0]: not a compressed point (first byte 0x02 or 0x03)");
        t.resigned("a 32-byte commitment", tree -> ((ArrayNode) tree.get("overall").get(0)).set(1, b64(new byte[32])),
                "overall[0][1]: must be 33 bytes (compressed) or 65 (uncompressed), not 32");
        t.resigned("a point off the curve", tree -> choice(tree, 1).put("alpha", b64(offCurvePoint())),
                "choices[1].alpha: not a point on P-256");
        byte[] uncompressedOffCurve = GROUP.encodeUncompressed(ballot.choices().get(0).beta());
        uncompressedOffCurve[64] ^= 1;
        t.tree("an uncompressed point off the curve", tree -> choice(tree, 0).put("beta", b64(uncompressedOffCurve)),
                "choices[0].beta: not a point on P-256");
        byte[] hybrid = GROUP.encodeUncompressed(ballot.overall().branches().get(0).a());
        hybrid[0] = 0x06;
        t.tree("a 65-byte commitment with prefix 0x06 (SEC1's hybrid form)", tree -> ((ArrayNode) tree.get("overall").get(0))
                .set(0, b64(hybrid)), "overall[0][0]: not an uncompressed point (first byte 0x04)");
        t.tree("65 zero bytes", tree -> choice(tree, 2).put("alpha", b64(new byte[65])),
                "choices[2].alpha: not an uncompressed point (first byte 0x04)");
        t.tree("a 64-byte point (x and y without the prefix)", tree -> choice(tree, 2).put("beta",
                b64(Arrays.copyOfRange(GROUP.encodeUncompressed(ballot.choices().get(2).beta()), 1, 65))),
                "choices[2].beta: must be 33 bytes (compressed) or 65 (uncompressed), not 64");
        t.resigned("the identity", tree -> choice(tree, 1).put("beta", b64(new byte[33])),
                "choices[1].beta: the identity is not allowed");
        t.add("re-signed under another credential", 0, BallotJson.write(Forgeries.copiedBy(voter(1), ballot)),
                "option 0: the 0/1 proof does not verify");
        t.add("an option encrypting 2 with simulated proofs", 0,
                BallotJson.write(Forgeries.forged(e0.parameters(), voter, new int[] {2, 0, 0}, 1, true, random)),
                "option 0: the 0/1 proof does not verify");
        t.add("two options chosen of 1..1", 0,
                BallotJson.write(Forgeries.forged(e0.parameters(), voter, new int[] {1, 0, 1}, 1, false, random)),
                "the overall proof does not verify: the number of choices must be 1..1");
        t.add("a ballot of election 7 (5 options) for election 3", 0, BallotJson.write(voter.cast(election(1).parameters(),
                new int[] {0, 1, 0, 0, 0}, random)), "ballot is for election 7, not 3");
        BallotParameters fourOptions = Election.of(3, 4, 1, 1, e0.secret()).parameters();
        t.add("4 options for an election of 3", 0, BallotJson.write(voter.cast(fourOptions, new int[] {0, 0, 0, 1}, random)),
                "ballot has 4 options, the election has 3");
        BallotParameters twoBranches = Election.of(3, 3, 1, 2, e0.secret()).parameters();
        t.add("an overall proof for 1..2 in an election of 1..1", 0,
                BallotJson.write(voter.cast(twoBranches, new int[] {0, 1, 1}, random)),
                "the overall proof must have 1 (A, B, c, s) branches for 1..1 choices, not 2");

        String json = BallotJson.write(ballot);
        String credential = b64(ballot.credential().bytes());
        t.add("not JSON", 0, json.substring(0, 100), null);
        t.add("text after the value", 0, json + "{}", null);
        t.add("a key twice", 0, json.replace("{\"version\":2,", "{\"version\":2,\"version\":2,"), "duplicate key \"version\"");
        t.add("an array", 0, "[" + json + "]", "ballot: not a JSON object");
        t.add("no signature", 0, json.replaceAll(",\"signature\":\"[^\"]*\"", ""), "ballot: missing key \"signature\"");
        t.add("an extra key", 0, json.replace("{\"version\":2,", "{\"version\":2,\"zeta\":0,\"extra\":0,"),
                "ballot: unexpected key \"extra\"");
        t.add("version 1", 0, json.replace("\"version\":2", "\"version\":1"), "version: must be 2");
        t.add("version 2.0", 0, json.replace("\"version\":2", "\"version\":2.0"), "version: must be 2");
        t.add("electionId 3.0", 0, json.replace("\"electionId\":3", "\"electionId\":3.0"),
                "electionId: must be an integer in 0..9007199254740991");
        t.add("electionId 2^53", 0, json.replace("\"electionId\":3", "\"electionId\":9007199254740992"),
                "electionId: must be an integer in 0..9007199254740991");
        t.add("electionId -1", 0, json.replace("\"electionId\":3", "\"electionId\":-1"),
                "electionId: must be an integer in 0..9007199254740991");
        t.add("padded base64", 0, json.replace(credential, credential + "="), "credential: must be base64url without padding");
        t.add("standard base64", 0, json.replace(credential, "+" + credential.substring(1)),
                "credential: must be base64url without padding");
        t.add("nonzero unused bits", 0, json.replace(credential, nonCanonical(credential)),
                "credential: must be base64url without padding");
        t.add("a short credential", 0, json.replace(credential, b64(new byte[64])), "credential: must be 65 bytes, not 64");
        byte[] compressedPrefix = ballot.credential().bytes();
        compressedPrefix[0] = 0x02;
        t.add("a credential without 0x04", 0, json.replace(credential, b64(compressedPrefix)),
                "credential: not an uncompressed point (first byte 0x04)");
        byte[] offCurveCredential = ballot.credential().bytes();
        offCurveCredential[64] ^= 1;
        t.add("a credential off the curve", 0, json.replace(credential, b64(offCurveCredential)),
                "credential: not a point on P-256");
        t.tree("one option", tree -> {
            ((ArrayNode) tree.get("choices")).remove(2);
            ((ArrayNode) tree.get("choices")).remove(1);
        }, "choices: must be an array of 2..64 options");
        t.tree("an option that is a string", tree -> ((ArrayNode) tree.get("choices")).set(1, "x"),
                "choices[1]: not a JSON object");
        t.tree("an option without beta", tree -> choice(tree, 2).remove("beta"), "choices[2]: missing key \"beta\"");
        t.tree("an option with gamma", tree -> choice(tree, 0).put("gamma", "AA"), "choices[0]: unexpected key \"gamma\"");
        t.tree("a 32-byte alpha", tree -> choice(tree, 0).put("alpha", b64(new byte[32])),
                "choices[0].alpha: must be 33 bytes (compressed) or 65 (uncompressed), not 32");
        byte[] uncompressed = GROUP.generator().encode();
        uncompressed[0] = 0x04;
        t.tree("alpha with prefix 0x04", tree -> choice(tree, 1).put("alpha", b64(uncompressed)),
                "choices[1].alpha: not a compressed point (first byte 0x02 or 0x03)");
        t.tree("three branches in a 0/1 proof", tree -> ((ArrayNode) choice(tree, 0).get("proof"))
                .add(choice(tree, 0).get("proof").get(0).deepCopy()),
                "choices[0].proof: must be an array of 2 (A, B, c, s) branches");
        t.tree("a branch of five strings", tree -> ((ArrayNode) choice(tree, 2).get("proof").get(1)).add("AA"),
                "choices[2].proof[1]: must be an array of four strings [A, B, c, s]");
        t.tree("a branch of two strings, as in version 1", tree -> {
            ArrayNode branch = (ArrayNode) choice(tree, 2).get("proof").get(0);
            branch.remove(0);
            branch.remove(0);
        }, "choices[2].proof[0]: must be an array of four strings [A, B, c, s]");
        t.tree("a branch holding a number", tree -> ((ArrayNode) choice(tree, 2).get("proof").get(0)).set(3, 5),
                "choices[2].proof[0]: must be an array of four strings [A, B, c, s]");
        t.tree("a 31-byte scalar", tree -> ((ArrayNode) choice(tree, 2).get("proof").get(1)).set(3, b64(new byte[31])),
                "choices[2].proof[1][3]: must be 32 bytes, not 31");
        t.tree("no overall branches", tree -> tree.putArray("overall"),
                "overall: must be an array of 1..65 (A, B, c, s) branches");
        t.tree("a 63-byte signature", tree -> tree.put("signature", b64(new byte[63])), "signature: must be 64 bytes, not 63");
        return out;
    }

    /** Collects tampered ballots, checking on the way that Java refuses each with the words recorded. */
    private record Tampering(List<Map<String, Object>> out, BallotVerifier verifier, Voter voter, EncryptedBallot ballot) {
        /** {@code refusal} null: a JSON syntax error, whose detail each implementation words its own way. */
        void add(String what, int election, String json, String refusal) {
            String actual = BallotFixtures.refusal(verifier, json);
            if (refusal == null) {
                assertThat(actual).as(what).startsWith("not valid JSON: ");
            } else {
                assertThat(actual).as(what).isEqualTo(refusal);
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("what", what);
            entry.put("election", election);
            entry.put("json", json);
            entry.put("refusal", refusal == null ? "not valid JSON: " : refusal);
            entry.put("refusalIsPrefix", refusal == null);
            out.add(entry);
        }

        void tree(String what, Consumer<ObjectNode> change, String refusal) {
            ObjectNode tree = BallotJson.toNode(ballot);
            change.accept(tree);
            add(what, 0, tree.toString(), refusal);
        }

        /** A change to a parsed ballot, then signed again by its voter, so that the signature is not what fails. */
        void resigned(String what, Consumer<ObjectNode> change, String refusal) {
            ObjectNode tree = BallotJson.toNode(ballot);
            change.accept(tree);
            String json;
            try {
                json = BallotJson.write(voter.sign(BallotJson.parse(tree)));
            } catch (BallotFormatException malformed) {
                json = tree.toString();
            }
            add(what, 0, json, refusal);
        }
    }

    /**
     * Flips a bit of field {@code which} (0 A, 1 B, 2 c, 3 s) of an option's branch; bit 7 of a
     * commitment turns prefix 0x02 into 0x03: the point's negation.
     */
    private static void flipBranchField(ObjectNode tree, int option, int branch, int which, int bit) {
        ArrayNode b = (ArrayNode) choice(tree, option).get("proof").get(branch);
        b.set(which, b64(flipped(unb64(b.get(which).asText()), bit)));
    }

    /** Flips a bit of a point's encoding; bit 7 turns prefix 0x02 into 0x03: the point's negation. */
    private static void flipPoint(ObjectNode tree, int option, String field, int bit) {
        choice(tree, option).put(field, b64(flipped(unb64(choice(tree, option).get(field).asText()), bit)));
    }

    @Test
    void theJavaScriptBallotVectorsAreWhatTheJavaBuilderProduces() throws Exception {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
        String expected = json.writeValueAsString(vectors()) + "\n";
        if (Boolean.getBoolean("bastion.writeVectors")) {
            Files.writeString(FILE, expected);
        }
        assertThat(Files.exists(FILE)).as(FILE + " exists (write it with -Dbastion.writeVectors=true)").isTrue();
        assertThat(Files.readString(FILE)).as("bastion-js/test/ballot-vectors.json is stale: rerun this test with "
                + "-Dbastion.writeVectors=true").isEqualTo(expected);
    }
}
