package io.bastion.evoting.ballot;

import com.fasterxml.jackson.databind.JsonNode;
import io.bastion.core.util.Hex;
import io.bastion.evoting.ballot.BallotFixtures.Voter;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.bastion.evoting.ballot.BallotFixtures.GROUP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ballots built by bastion-js ({@code bastion-js/test/ballot-vectors-js.json}, written by
 * {@code test/ballot-vectors.test.js} with injected randomness): each verifies here, has the
 * tracker and bytes recorded, and the Java builder makes the very same JSON from the same keys and
 * randomness.
 */
class JsBallotVectorsTest {
    private static final Path FILE = Path.of("..", "..", "bastion-js", "test", "ballot-vectors-js.json");

    @Test
    void ballotsBuiltByTheJavaScriptCodeVerifyAndRebuildIdentically() throws Exception {
        JsonNode vectors = BallotFixtures.JSON.readTree(Files.readString(FILE));
        Voter voter = Voter.of(new BigInteger(vectors.get("voter").get("secretKey").asText(), 16));
        assertThat(Hex.of(voter.credential().bytes())).isEqualTo(vectors.get("voter").get("credential").asText());
        List<BallotParameters> elections = new ArrayList<>();
        for (JsonNode e : vectors.get("elections")) {
            BallotParameters parameters = new BallotParameters(e.get("electionId").asLong(), e.get("options").asInt(),
                    e.get("minChoices").asInt(), e.get("maxChoices").asInt(), GROUP.decode(Hex.parse(e.get("publicKey").asText())));
            assertThat(parameters.publicKey()).isEqualTo(GROUP.base(new BigInteger(e.get("secretKey").asText(), 16)));
            elections.add(parameters);
        }
        assertThat(vectors.get("ballots")).hasSize(5);
        for (JsonNode v : vectors.get("ballots")) {
            BallotParameters parameters = elections.get(v.get("election").asInt());
            EncryptedBallot ballot = BallotJson.parse(v.get("json").asText());
            String what = "ballot " + v.get("tracker").asText();
            assertThat(new BallotVerifier(parameters).verify(ballot)).as(what).isNull();
            assertThat(Hex.of(ballot.bytes())).as(what).isEqualTo(v.get("bytes").asText());
            assertThat(ballot.tracker().hex()).as(what).isEqualTo(v.get("tracker").asText());

            int[] choices = new int[v.get("choices").size()];
            for (int j = 0; j < choices.length; j++) {
                choices[j] = v.get("choices").get(j).asInt();
            }
            EncryptedBallot rebuilt = BallotBuilder.build(parameters, choices, voter.credential(),
                    randomness(v.get("randomness")), voter.signer());
            assertThat(BallotJson.write(rebuilt)).as(what).isEqualTo(v.get("json").asText());
            String sent = v.get("jsonUncompressed").asText();
            assertThat(BallotJson.toNode(rebuilt, BallotJson.Points.UNCOMPRESSED).toString()).as(what).isEqualTo(sent);
            EncryptedBallot read = BallotJson.parse(sent);
            assertThat(new BallotVerifier(parameters).verify(read)).as(what + ", sent uncompressed").isNull();
            assertThat(BallotJson.write(read)).as(what + ", sent uncompressed").isEqualTo(v.get("json").asText());
        }
    }

    private static BallotRandomness randomness(JsonNode r) {
        List<BallotRandomness.Option> options = new ArrayList<>();
        for (JsonNode o : r.get("options")) {
            options.add(new BallotRandomness.Option(scalar(o.get("r")), proof(o.get("proof"))));
        }
        return new BallotRandomness(options, proof(r.get("overall")));
    }

    private static DisjunctiveProof.Randomness proof(JsonNode p) {
        List<DisjunctiveProof.Simulated> simulated = new ArrayList<>();
        for (JsonNode pair : p.get("simulated")) {
            simulated.add(new DisjunctiveProof.Simulated(scalar(pair.get(0)), scalar(pair.get(1))));
        }
        return new DisjunctiveProof.Randomness(scalar(p.get("w")), simulated);
    }

    private static BigInteger scalar(JsonNode hex) {
        return new BigInteger(hex.asText(), 16);
    }
}
