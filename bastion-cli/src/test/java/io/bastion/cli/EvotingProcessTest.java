package io.bastion.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bastion.client.BastionClient;
import io.bastion.crypto.Ed25519SigningKey;
import io.bastion.crypto.SigningKey;
import io.bastion.evoting.DemoData;
import io.bastion.evoting.EnrollmentCode;
import io.bastion.evoting.JoinCredentials;
import io.bastion.evoting.ballot.BallotBuilder;
import io.bastion.evoting.ballot.BallotJson;
import io.bastion.evoting.ballot.BallotParameters;
import io.bastion.threshold.P256Group;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The e-voting demo service across four replica JVMs ({@code bastion replica --service evoting}),
 * each with its threshold agent: voters enroll and sign in, the election's key is made, encrypted
 * ballots are cast, and with one replica killed the others still decrypt the tally.
 */
class EvotingProcessTest {
    private static final long BOUND_NANOS = 90_000_000_000L;

    @TempDir
    Path directory;

    private ProcessLoad run;
    private final ObjectMapper json = new ObjectMapper();

    @AfterEach
    void stop() throws InterruptedException {
        if (run != null) {
            run.close();
        }
    }

    /** A voter of the demo, enrolled with its printed code and a credential made here; its session. */
    private BastionClient enroll(DemoData.Account account, KeyPair credential) throws Exception {
        SigningKey sessionKey = Ed25519SigningKey.generate(new SecureRandom());
        BastionClient client = run.connectDynamic(sessionKey);
        client.join(JoinCredentials.enroll(account.voter(), EnrollmentCode.keyPair(account.voter(), account.code()),
                credential, sessionKey.publicKey().raw()));
        return client;
    }

    private JsonNode ask(BastionClient client, String operation) throws Exception {
        return json.readTree(client.invoke(operation.getBytes(StandardCharsets.UTF_8)));
    }

    private JsonNode await(String what, java.util.concurrent.Callable<JsonNode> ask, Predicate<JsonNode> done)
            throws Exception {
        long deadline = System.nanoTime() + BOUND_NANOS;
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = ask.call();
            if (done.test(last)) {
                return last;
            }
            Thread.sleep(200); // the replicas' agents work meanwhile; each poll is an ordered request
        }
        throw new AssertionError(what + " not reached within the bound; last answer: " + last);
    }

    private static KeyPair credential() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        return generator.generateKeyPair();
    }

    private String ballot(JsonNode election, int[] choices, KeyPair credential) {
        BallotParameters parameters = new BallotParameters(election.get("id").asLong(), election.get("options").size(),
                election.get("minChoices").asInt(), election.get("maxChoices").asInt(),
                P256Group.INSTANCE.decode(Base64.getUrlDecoder().decode(election.get("publicKey").asText())));
        return "{\"op\":\"castBallot\",\"electionId\":1,\"ballot\":" + BallotJson.write(
                BallotBuilder.build(parameters, choices, credential, new SecureRandom())) + "}";
    }

    @Test
    void votersEnrollAndVoteAndTheTallyIsDecryptedWithAReplicaDown() throws Exception {
        run = ProcessLoad.start(directory, "evoting");
        KeyPair aliceKey = credential();
        KeyPair bobKey = credential();
        BastionClient alice = enroll(DemoData.VOTERS.get(0), aliceKey);
        BastionClient bob = enroll(DemoData.VOTERS.get(1), bobKey);
        BastionClient admin = enroll(DemoData.ADMIN, credential());
        // each ordered request asks for the key while the replicas cannot make it yet; then they make it
        JsonNode election = await("election 1's key", () -> ask(alice, "{\"op\":\"election\",\"electionId\":1}"),
                e -> e.path("publicKey").isTextual());

        assertThat(ask(alice, ballot(election, new int[] {0, 0, 1}, aliceKey)).path("number").asLong()).isEqualTo(1);
        assertThat(ask(bob, ballot(election, new int[] {0, 0, 1}, bobKey)).path("number").asLong()).isEqualTo(2);
        assertThat(ask(bob, ballot(election, new int[] {1, 0, 0}, aliceKey)).path("error").asText())
                .as("alice's credential is not bob's").startsWith("the ballot's credential is not yours");

        run.cluster.kill(3);
        assertThat(ask(admin, "{\"op\":\"closeElection\",\"electionId\":1}").path("state").asText()).isEqualTo("closed");
        JsonNode results = await("the tally", () -> ask(admin, "{\"op\":\"results\",\"electionId\":1}"),
                r -> r.path("tally").asText().equals("done"));
        assertThat(results.get("results")).extracting(r -> r.get("votes").asLong()).containsExactly(0L, 0L, 2L);
        assertThat(results.get("winner").asText()).isEqualTo("Tallinn");
        assertThat(results.get("decryptedBy")).extracting(JsonNode::asInt).hasSize(2).doesNotContain(3);
    }
}
