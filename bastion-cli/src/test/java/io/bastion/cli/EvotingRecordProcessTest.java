package io.bastion.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bastion.client.BastionClient;
import io.bastion.crypto.Ed25519SigningKey;
import io.bastion.crypto.SigningKey;
import io.bastion.evoting.DemoData;
import io.bastion.evoting.EnrollmentCode;
import io.bastion.evoting.JoinCredentials;
import io.bastion.net.config.ClusterGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The election record against a real cluster (four replica JVMs running the demo service with their
 * threshold agents): voters enroll and vote with {@code bastion client}, one replica is killed, the
 * other three close the election and decrypt the tally, and {@code bastion evoting export} reads the
 * record from them; {@code bastion evoting verify} accepts it, and refuses it once a ballot or the result is
 * changed, or the file cut short.
 */
class EvotingRecordProcessTest {
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

    private record Run(int code, String out, String err) {}

    private static Run bastion(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine line = Bastion.commandLine();
        line.setOut(new PrintWriter(out));
        line.setErr(new PrintWriter(err));
        int code = line.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private JsonNode ask(BastionClient client, String operation) throws Exception {
        return json.readTree(client.invoke(operation.getBytes(StandardCharsets.UTF_8)));
    }

    private static JsonNode await(String what, Callable<JsonNode> ask, Predicate<JsonNode> done) throws Exception {
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

    /** The admin, signed in with a credential made here (the demo's admin code). */
    private BastionClient admin() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        SigningKey sessionKey = Ed25519SigningKey.generate(new SecureRandom());
        BastionClient client = run.connectDynamic(sessionKey);
        client.join(JoinCredentials.enroll(DemoData.ADMIN.voter(),
                EnrollmentCode.keyPair(DemoData.ADMIN.voter(), DemoData.ADMIN.code()), generator.generateKeyPair(),
                sessionKey.publicKey().raw()));
        return client;
    }

    /** {@code bastion client} as a demo voter: enrolls (making the credential file) the first time, then sends. */
    private void vote(String config, DemoData.Account voter, String option) {
        Path credential = directory.resolve(voter.voter() + ".key");
        String cast = "{\"op\":\"castBallot\",\"electionId\":1,\"choices\":[\"" + option + "\"]}";
        Run enrolled = bastion("client", "--config", config, "--voter", voter.voter(), "--credential",
                credential.toString(), "--enroll", voter.code(), cast);
        assertThat(enrolled.code()).as(enrolled.err()).isZero();
        assertThat(credential).exists();
    }

    @Test
    void anElectionOnAClusterIsExportedVerifiedAndItsTamperedRecordRefused() throws Exception {
        run = ProcessLoad.start(directory, "evoting");
        String config = directory.resolve(ClusterGenerator.CLUSTER_FILE_NAME).toString();
        BastionClient admin = admin();
        // each ordered request asks for the key while the replicas cannot make it yet; then they make it
        await("election 1's key", () -> ask(admin, "{\"op\":\"election\",\"electionId\":1}"),
                e -> e.path("publicKey").isTextual());
        vote(config, DemoData.VOTERS.get(0), "Tallinn");
        vote(config, DemoData.VOTERS.get(1), "Lisbon");
        vote(config, DemoData.VOTERS.get(2), "Tallinn");
        run.cluster.kill(3); // the other three tally, and the record is read from them
        assertThat(ask(admin, "{\"op\":\"closeElection\",\"electionId\":1}").path("state").asText()).isEqualTo("closed");
        JsonNode results = await("the tally", () -> ask(admin, "{\"op\":\"results\",\"electionId\":1}"),
                r -> r.path("tally").asText().equals("done"));
        assertThat(results.get("results")).extracting(r -> r.get("votes").asLong()).containsExactly(1L, 0L, 2L);
        assertThat(results.get("winner").asText()).isEqualTo("Tallinn");
        assertThat(results.get("decryptedBy")).extracting(JsonNode::asInt).hasSize(2).doesNotContain(3);

        Path record = directory.resolve("election-1.json");
        Run exported = bastion("evoting", "export", "--config", config, "--voter", "alice", "--credential",
                directory.resolve("alice.key").toString(), "--election", "1", "--out", record.toString());
        assertThat(exported.code()).as(exported.err()).isZero();
        assertThat(exported.err()).contains("4 eligible voters, 3 ballots, tally done");
        assertThat(record).exists();
        assertThat(record.resolveSibling("election-1.json.partial")).doesNotExist();

        Run verified = bastion("evoting", "verify", record.toString());
        assertThat(verified.code()).as(verified.out()).isZero();
        assertThat(verified.out()).contains("PASS  ballots      3 of 3 ballots", "PASS  counting     3 counted ballots",
                "PASS  result       Tallinn wins", "the record verifies");

        String text = Files.readString(record);
        Path wrongWinner = directory.resolve("wrong-winner.json");
        Files.writeString(wrongWinner, text.replace("\"winner\":\"Tallinn\"", "\"winner\":\"Lisbon\""));
        Run refused = bastion("evoting", "verify", wrongWinner.toString());
        assertThat(refused.code()).isEqualTo(EvotingCommand.Verify.FAILED);
        assertThat(refused.out()).contains("FAIL  result", "the result says Lisbon wins; the counts say Tallinn wins",
                "the record does NOT verify");

        JsonNode tree = json.readTree(text);
        JsonNode second = tree.get("ballots").get(1);
        String proofResponse = second.get("ballot").get("overall").get(0).get(3).asText();
        String otherResponse = tree.get("ballots").get(0).get("ballot").get("overall").get(0).get(3).asText();
        Path changedBallot = directory.resolve("changed-ballot.json");
        Files.writeString(changedBallot, text.replace(proofResponse, otherResponse));
        Run ballot = bastion("evoting", "verify", changedBallot.toString());
        assertThat(ballot.code()).isEqualTo(EvotingCommand.Verify.FAILED);
        assertThat(ballot.out()).contains("FAIL  ballots      2 of 3 ballots",
                "ballot 2 (tracker " + second.get("tracker").asText() + "): signature does not verify");

        Path truncated = directory.resolve("truncated.json");
        Files.writeString(truncated, text.substring(0, text.length() / 2));
        Run unreadable = bastion("evoting", "verify", truncated.toString());
        assertThat(unreadable.code()).isEqualTo(EvotingCommand.Verify.UNREADABLE);
        assertThat(unreadable.err()).startsWith("bastion evoting verify: " + truncated + " is not a valid election"
                + " record: not valid JSON").doesNotContain("Exception").doesNotContain("\tat ");
    }
}
