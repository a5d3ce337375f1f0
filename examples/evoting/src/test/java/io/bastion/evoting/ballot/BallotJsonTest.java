package io.bastion.evoting.ballot;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bastion.evoting.ballot.BallotFixtures.Election;
import io.bastion.evoting.ballot.BallotFixtures.Voter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

import static io.bastion.evoting.ballot.BallotFixtures.GROUP;
import static io.bastion.evoting.ballot.BallotFixtures.b64;
import static io.bastion.evoting.ballot.BallotFixtures.choice;
import static io.bastion.evoting.ballot.BallotFixtures.nonCanonical;
import static io.bastion.evoting.ballot.BallotFixtures.unb64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The JSON form: written canonically, read strictly, every malformation named. */
class BallotJsonTest {
    private static EncryptedBallot ballot;
    private static String json;

    @BeforeAll
    static void aBallot() {
        SecureRandom random = BallotFixtures.seeded(20);
        Election election = Election.random(3, 3, 1, 1, random);
        ballot = Voter.random(random).cast(election.parameters(), new int[] {0, 1, 0}, random);
        json = BallotJson.write(ballot);
    }

    @Test
    void theWrittenFormHasTheKeysInOrderAndNoWhitespace() {
        assertThat(json).startsWith("{\"version\":2,\"electionId\":3,\"credential\":\"")
                .contains("\"choices\":[{\"alpha\":\"", "\",\"beta\":\"", "\",\"proof\":[[\"", "\"]]}],\"overall\":[[\"")
                .endsWith("\"}").doesNotContain(" ", "\n", "=", "+", "/");
        assertThat(BallotJson.parse(json)).isEqualTo(ballot);
        assertThat(json).hasSize(1935); // the size docs/ballots.md gives for 3 options, 1..1
        assertThat(ballot.bytes()).hasSize(1184);
    }

    @Test
    void aBallotSentWithUncompressedPointsOrBothFormsIsTheSameBallot() {
        ObjectNode uncompressed = BallotJson.toNode(ballot, BallotJson.Points.UNCOMPRESSED);
        assertThat(unb64(choice(uncompressed, 0).get("alpha").asText())).hasSize(65).startsWith(0x04);
        assertThat(unb64(uncompressed.get("overall").get(0).get(1).asText())).hasSize(65).startsWith(0x04);
        assertThat(uncompressed.get("credential")).isEqualTo(BallotJson.toNode(ballot).get("credential"));
        EncryptedBallot read = BallotJson.parse(uncompressed.toString());
        assertThat(read.bytes()).isEqualTo(ballot.bytes());
        assertThat(read.tracker()).isEqualTo(ballot.tracker());
        assertThat(BallotJson.write(read)).isEqualTo(json);

        ObjectNode mixed = BallotJson.toNode(ballot);
        choice(mixed, 1).set("beta", choice(uncompressed, 1).get("beta"));
        ((ArrayNode) mixed.get("overall").get(0)).set(0, uncompressed.get("overall").get(0).get(0));
        assertThat(BallotJson.write(BallotJson.parse(mixed.toString()))).isEqualTo(json);
    }

    @Test
    void theCiphertextsOfAWrittenBallotAreItsOptionsAlphasAndBetasInOrder() {
        java.util.List<io.bastion.threshold.ElGamal.Ciphertext> ciphertexts = BallotJson.ciphertexts(json);
        assertThat(ciphertexts).hasSize(ballot.choices().size());
        for (int j = 0; j < ciphertexts.size(); j++) {
            assertThat(ciphertexts.get(j).c1()).as("option %d", j).isEqualTo(ballot.choices().get(j).alpha());
            assertThat(ciphertexts.get(j).c2()).as("option %d", j).isEqualTo(ballot.choices().get(j).beta());
        }
        assertThatThrownBy(() -> BallotJson.ciphertexts("{\"choices\":")).isInstanceOf(BallotFormatException.class)
                .hasMessageStartingWith("not valid JSON");
        assertThatThrownBy(() -> BallotJson.ciphertexts("{}")).isInstanceOf(BallotFormatException.class)
                .hasMessageStartingWith("choices: must be an array");
        byte[] beyondTheField = new byte[33];
        Arrays.fill(beyondTheField, (byte) 0xFF);
        beyondTheField[0] = 0x02;
        String offCurve = json.replace(b64(ballot.choices().get(1).beta().encode()), b64(beyondTheField));
        assertThatThrownBy(() -> BallotJson.ciphertexts(offCurve)).isInstanceOf(BallotFormatException.class)
                .hasMessage("choices[1].beta: not a point on P-256");
    }

    @Test
    void textThatIsNotOneJsonValueIsRefused() {
        assertThat(refusal("")).isEqualTo("not valid JSON: no value");
        assertThat(refusal("{")).startsWith("not valid JSON: ");
        assertThat(refusal(json + " {}")).startsWith("not valid JSON: ");
        assertThat(refusal(json.replace("{\"version\":2,", "{\"version\":2,\"version\":2,")))
                .isEqualTo("duplicate key \"version\"");
        assertThat(refusal(json.replace("{\"alpha\":", "{\"beta\":\"x\",\"alpha\":"))).isEqualTo("duplicate key \"beta\"");
        assertThat(refusal("[1]")).isEqualTo("ballot: not a JSON object");
        String nested999 = json.replace("\"version\":2", "\"version\":" + "[".repeat(999) + "]".repeat(999));
        assertThat(refusal(nested999)).as("depth 1000: Jackson's limit").isEqualTo("version: must be 2");
        String nested1000 = json.replace("\"version\":2", "\"version\":" + "[".repeat(1000) + "]".repeat(1000));
        assertThat(refusal(nested1000)).startsWith("not valid JSON: ");
        for (int digits : new int[] {1000, 1001}) { // Jackson's limit on a number's digits
            for (String number : new String[] {"-" + "1".repeat(digits), "1." + "1".repeat(digits - 1)}) {
                String refusal = refusal(json.replace("\"version\":2", "\"version\":" + number));
                assertThat(refusal).as("%d digits", digits).startsWith(digits == 1000 ? "version: must be 2" : "not valid JSON: ");
            }
        }
        assertThat(refusal("\"ballot\"")).isEqualTo("ballot: not a JSON object");
    }

    @Test
    void everyMalformationIsNamed() {
        Map<String, Consumer<ObjectNode>> cases = new LinkedHashMap<>();
        Map<String, String> expected = new LinkedHashMap<>();
        for (String key : BallotJson.BALLOT_KEYS) {
            add(cases, expected, "ballot: missing key \"" + key + "\"", t -> t.remove(key));
        }
        add(cases, expected, "ballot: missing key \"choices\"", t -> {
            t.remove("choices");
            t.remove("signature");
        });
        add(cases, expected, "ballot: unexpected key \"extra\"", t -> t.put("extra", 1).put("zzz", 2));
        add(cases, expected, "ballot: unexpected key \"Version\"", t -> t.put("Version", 1));
        add(cases, expected, "version: must be 2", t -> t.put("version", 1));
        add(cases, expected, "version: must be 2", t -> t.put("version", 3));
        add(cases, expected, "version: must be 2", t -> t.put("version", "2"));
        add(cases, expected, "version: must be 2", t -> t.put("version", 2.0));
        String electionIdMessage = "electionId: must be an integer in 0..9007199254740991";
        add(cases, expected, electionIdMessage, t -> t.put("electionId", -1));
        add(cases, expected, electionIdMessage, t -> t.put("electionId", 1L << 53));
        add(cases, expected, electionIdMessage, t -> t.put("electionId", new BigInteger("18446744073709551621")));
        add(cases, expected, electionIdMessage, t -> t.put("electionId", 3.0));
        add(cases, expected, electionIdMessage, t -> t.put("electionId", "3"));
        add(cases, expected, electionIdMessage, t -> t.putNull("electionId"));
        String credential = json.replaceAll(".*\"credential\":\"([^\"]*)\".*", "$1");
        add(cases, expected, "credential: must be base64url without padding", t -> t.put("credential", credential + "="));
        add(cases, expected, "credential: must be base64url without padding",
                t -> t.put("credential", credential.replace('-', '+').replace('_', '/').replace("A", "+")));
        add(cases, expected, "credential: must be base64url without padding", t -> t.put("credential", credential + "AA"));
        add(cases, expected, "credential: must be base64url without padding", t -> t.put("credential", nonCanonical(credential)));
        add(cases, expected, "credential: must be base64url without padding", t -> t.put("credential", 7));
        add(cases, expected, "credential: must be 65 bytes, not 64", t -> t.put("credential", b64(new byte[64])));
        add(cases, expected, "credential: not an uncompressed point (first byte 0x04)",
                t -> t.put("credential", b64(prefixed(unb64(credential), 0x06))));
        add(cases, expected, "credential: not a point on P-256", t -> t.put("credential", b64(prefixed(new byte[65], 0x04))));
        add(cases, expected, "choices: must be an array of 2..64 options", t -> t.put("choices", "[]"));
        add(cases, expected, "choices: must be an array of 2..64 options", t -> {
            ((ArrayNode) t.get("choices")).remove(2);
            ((ArrayNode) t.get("choices")).remove(1);
        });
        add(cases, expected, "choices: must be an array of 2..64 options", t -> {
            ArrayNode choices = (ArrayNode) t.get("choices");
            while (choices.size() < 65) {
                choices.add(choices.get(0).deepCopy());
            }
        });
        add(cases, expected, "choices[1]: not a JSON object", t -> ((ArrayNode) t.get("choices")).set(1, "x"));
        add(cases, expected, "choices[2]: missing key \"beta\"", t -> choice(t, 2).remove("beta"));
        add(cases, expected, "choices[0]: unexpected key \"gamma\"", t -> choice(t, 0).put("gamma", "AA"));
        add(cases, expected, "choices[0].alpha: must be base64url without padding", t -> choice(t, 0).put("alpha", "a b"));
        add(cases, expected, "choices[0].alpha: must be 33 bytes (compressed) or 65 (uncompressed), not 32", t -> choice(t, 0).put("alpha", b64(new byte[32])));
        add(cases, expected, "choices[1].alpha: the identity is not allowed", t -> choice(t, 1).put("alpha", b64(new byte[33])));
        add(cases, expected, "choices[1].beta: not a compressed point (first byte 0x02 or 0x03)",
                t -> choice(t, 1).put("beta", b64(prefixed(GROUP.generator().encode(), 0x00))));
        add(cases, expected, "choices[1].beta: not a point on P-256",
                t -> choice(t, 1).put("beta", b64(prefixed(allOnes(33), 0x03)))); // x >= p
        String twoBranches = "choices[0].proof: must be an array of 2 (A, B, c, s) branches";
        add(cases, expected, twoBranches, t -> ((ArrayNode) choice(t, 0).get("proof")).remove(1).size());
        add(cases, expected, twoBranches,
                t -> ((ArrayNode) choice(t, 0).get("proof")).add(choice(t, 0).get("proof").get(0).deepCopy()));
        add(cases, expected, twoBranches, t -> choice(t, 0).put("proof", "[]"));
        String fourStrings = ": must be an array of four strings [A, B, c, s]";
        add(cases, expected, "choices[2].proof[1]" + fourStrings, t -> ((ArrayNode) choice(t, 2).get("proof").get(1)).add("AA"));
        add(cases, expected, "choices[2].proof[1]" + fourStrings, t -> ((ArrayNode) choice(t, 2).get("proof").get(1)).remove(3));
        add(cases, expected, "choices[2].proof[1]" + fourStrings, t -> ((ArrayNode) choice(t, 2).get("proof").get(1)).set(0, 5));
        add(cases, expected, "choices[2].proof[1]" + fourStrings, t -> ((ArrayNode) choice(t, 2).get("proof").get(1)).set(3, 5));
        add(cases, expected, "choices[2].proof[0]" + fourStrings, t -> ((ArrayNode) choice(t, 2).get("proof")).set(0, "AA"));
        add(cases, expected, "choices[0].proof[0][0]: the identity is not allowed",
                t -> ((ArrayNode) choice(t, 0).get("proof").get(0)).set(0, b64(new byte[33])));
        add(cases, expected, "choices[0].proof[1][1]: must be 33 bytes (compressed) or 65 (uncompressed), not 32",
                t -> ((ArrayNode) choice(t, 0).get("proof").get(1)).set(1, b64(new byte[32])));
        add(cases, expected, "choices[1].proof[0][1]: not a compressed point (first byte 0x02 or 0x03)",
                t -> ((ArrayNode) choice(t, 1).get("proof").get(0)).set(1, b64(prefixed(GROUP.generator().encode(), 0x04))));
        add(cases, expected, "overall[0][0]: not a point on P-256",
                t -> ((ArrayNode) t.get("overall").get(0)).set(0, b64(prefixed(allOnes(33), 0x02)))); // x >= p
        add(cases, expected, "choices[2].proof[1][3]: must be 32 bytes, not 31",
                t -> ((ArrayNode) choice(t, 2).get("proof").get(1)).set(3, b64(new byte[31])));
        add(cases, expected, "choices[2].proof[1][2]: not below the group order",
                t -> ((ArrayNode) choice(t, 2).get("proof").get(1)).set(2, b64(EncryptedBallot.scalar(GROUP.order()))));
        String overallBranches = "overall: must be an array of 1..65 (A, B, c, s) branches";
        add(cases, expected, overallBranches, t -> t.putArray("overall"));
        add(cases, expected, overallBranches, t -> t.putObject("overall"));
        add(cases, expected, overallBranches, t -> {
            ArrayNode overall = (ArrayNode) t.get("overall");
            while (overall.size() < 66) {
                overall.add(overall.get(0).deepCopy());
            }
        });
        add(cases, expected, "overall[1]" + fourStrings, t -> ((ArrayNode) t.get("overall")).addArray().add("AA"));
        add(cases, expected, "overall[0][3]: must be base64url without padding",
                t -> ((ArrayNode) t.get("overall").get(0)).set(3, "AAA="));
        add(cases, expected, "signature: must be 64 bytes, not 63", t -> t.put("signature", b64(new byte[63])));
        add(cases, expected, "signature: must be base64url without padding", t -> t.putArray("signature"));

        for (Map.Entry<String, Consumer<ObjectNode>> c : cases.entrySet()) {
            ObjectNode tree = BallotJson.toNode(ballot);
            c.getValue().accept(tree);
            String text = tree.toString();
            assertThat(refusal(text)).as(c.getKey() + ": " + text).isEqualTo(expected.get(c.getKey()));
        }
    }

    @Test
    void aFractionalNumberInTheTextIsNotAnInteger() {
        assertThat(refusal(json.replace("\"electionId\":3", "\"electionId\":3.0"))).isEqualTo(
                "electionId: must be an integer in 0..9007199254740991");
        assertThat(refusal(json.replace("\"electionId\":3", "\"electionId\":3e0"))).isEqualTo(
                "electionId: must be an integer in 0..9007199254740991");
        assertThat(refusal(json.replace("\"version\":2", "\"version\":2.0"))).isEqualTo("version: must be 2");
        assertThat(BallotJson.parse(json.replace("\"electionId\":3", "\"electionId\": 3 "))).isEqualTo(ballot);
    }

    private static int counter;

    private static void add(Map<String, Consumer<ObjectNode>> cases, Map<String, String> expected, String message,
                            Consumer<ObjectNode> change) {
        String name = (counter++) + " " + message;
        cases.put(name, change);
        expected.put(name, message);
    }

    private static byte[] allOnes(int length) {
        byte[] out = new byte[length];
        Arrays.fill(out, (byte) 0xff);
        return out;
    }

    private static byte[] prefixed(byte[] bytes, int first) {
        byte[] out = bytes.clone();
        out[0] = (byte) first;
        return out;
    }

    private static String refusal(String text) {
        try {
            BallotJson.parse(text);
            return null;
        } catch (BallotFormatException e) {
            return e.getMessage();
        }
    }

    @Test
    void aParsedBallotCannotBeBuiltWithTheWrongShape() {
        assertThatThrownBy(() -> new EncryptedBallot(3, ballot.credential(), ballot.choices().subList(0, 1), ballot.overall(),
                ballot.signature())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ballot.withSignature(new byte[63])).isInstanceOf(IllegalArgumentException.class);
    }
}
