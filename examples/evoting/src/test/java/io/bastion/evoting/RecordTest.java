package io.bastion.evoting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bastion.evoting.ballot.BallotBuilder;
import io.bastion.evoting.ballot.BallotJson;
import io.bastion.evoting.ballot.DisjunctiveProof;
import io.bastion.evoting.ballot.EncryptedBallot;
import io.bastion.evoting.ballot.EncryptedChoice;
import io.bastion.evoting.record.ElectionRecord;
import io.bastion.evoting.record.RecordExporter;
import io.bastion.evoting.record.RecordFormatException;
import io.bastion.evoting.record.RecordReader;
import io.bastion.evoting.record.RecordVerifier;
import io.bastion.evoting.record.Report;
import io.bastion.evoting.record.Report.Status;
import io.bastion.threshold.FaultyThresholdAgent;
import io.bastion.threshold.P256Group;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The election record, exported through the service's {@code record} reads and checked offline:
 * the record of a whole election verifies, and each kind of tampering is caught and named — a ballot
 * proof, a ciphertext, a second counted ballot, a credential no voter holds, the aggregate, a
 * decryption share (the result still holding with f+1 good ones), a count, the winner, a
 * verification key — and a broken file is refused with a message. The election runs once, in
 * process (four replicas, replica 3's agent sending bad decryption shares); each test changes a copy
 * of its record.
 */
class RecordTest {
    private static final int[] LISBON = {1, 0, 0};
    private static final int[] KRAKOW = {0, 1, 0};
    private static final int[] TALLINN = {0, 0, 1};
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path directory;

    private static Replicas replicas;
    /** The record file as exported. */
    private static String record;
    private static final TestVoter ALICE = TestVoter.demo("alice");
    private static final TestVoter BOB = TestVoter.demo("bob");

    /**
     * The demo election: alice Lisbon; bob Tallinn, then Lisbon; carol Tallinn, then, after an admin
     * reset her credential, Kraków with her new one; dave does not vote. Lisbon 2, Kraków 1,
     * Tallinn 0. Erin, registered after and eligible for nothing, exports the record.
     */
    @BeforeAll
    static void runElectionAndExport() throws IOException {
        replicas = new Replicas(directory, Replicas.N, EvotingService::withDemoData,
                Map.of(3, FaultyThresholdAgent.Fault.BAD_SHARES));
        Replicas.Session admin = replicas.enroll(TestVoter.demo("admin"));
        TestVoter carol = TestVoter.demo("carol");
        Replicas.Session a = replicas.enroll(ALICE);
        Replicas.Session b = replicas.enroll(BOB);
        Replicas.Session c = replicas.enroll(carol);
        replicas.enroll(TestVoter.demo("dave"));
        JsonNode election = replicas.awaitKey(a, 1);
        replicas.cast(a, 1, ALICE.ballot(election, LISBON, 1));
        replicas.cast(b, 1, BOB.ballot(election, TALLINN, 2));
        replicas.cast(c, 1, carol.ballot(election, TALLINN, 3));
        replicas.cast(b, 1, BOB.ballot(election, LISBON, 4));
        String newCode = "CARL-NEWC-ODE2-ODE2-ODE2";
        replicas.call(admin, "{'op':'resetCredential','voter':'carol','enrollmentKey':'"
                + b64(EnrollmentCode.publicKey("carol", newCode).bytes()) + "'}");
        TestVoter newCarol = carol.withCredential(99).withCode(newCode);
        replicas.cast(replicas.enroll(newCarol), 1, newCarol.ballot(election, KRAKOW, 5));
        replicas.call(admin, "{'op':'closeElection','electionId':1}");
        JsonNode results = replicas.awaitResults(a, 1);
        assertThat(results.get("winner").textValue()).isEqualTo("Lisbon");
        replicas.settle("every replica's shares", () -> replicas.ledger().decryptionTranscript(1).orElseThrow()
                .lateShares().size() + replicas.ledger().decryptionTranscript(1).orElseThrow().usedShares().size() == 3);

        String erinCode = "ERIN-ERIN-ERIN-ERIN-ERIN";
        replicas.call(admin, "{'op':'registerVoter','voter':'erin','name':'Erin','role':'voter','enrollmentKey':'"
                + b64(EnrollmentCode.publicKey("erin", erinCode).bytes()) + "'}");
        Replicas.Session erin = replicas.enroll(new TestVoter("erin", erinCode, TestVoter.credential(77)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RecordExporter.Exported exported = new RecordExporter(operation -> replicas.read(erin, operation.toString()))
                .export(1, out);
        assertThat(exported).isEqualTo(new RecordExporter.Exported(4, 5, "done"));
        record = out.toString(StandardCharsets.UTF_8);
    }

    @AfterAll
    static void close() {
        replicas.close();
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static ElectionRecord read(String text) throws IOException {
        return RecordReader.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** The record with {@code change} made to its JSON, verified. */
    private static Report tampered(Consumer<ObjectNode> change) throws IOException {
        ObjectNode tree = (ObjectNode) JSON.readTree(record);
        change.accept(tree);
        return new RecordVerifier(2).verify(read(JSON.writeValueAsString(tree)));
    }

    private static ObjectNode ballot(ObjectNode tree, int number) {
        return (ObjectNode) tree.get("ballots").get(number - 1);
    }

    private static String tracker(ObjectNode tree, int number) {
        return ballot(tree, number).get("tracker").textValue();
    }

    /** Ballot {@code number} with its first option's proof changed, signed again by its voter: only the proof is wrong. */
    private static void changeProofAndSign(ObjectNode tree, int number, TestVoter voter) {
        ObjectNode entry = ballot(tree, number);
        EncryptedBallot ballot = BallotJson.parse(entry.get("ballot").toString());
        EncryptedChoice first = ballot.choices().get(0);
        List<DisjunctiveProof.Branch> branches = new ArrayList<>(first.proof().branches());
        DisjunctiveProof.Branch b = branches.get(1);
        branches.set(1, new DisjunctiveProof.Branch(b.a(), b.b(), b.challenge(),
                b.response().add(BigInteger.ONE).mod(P256Group.INSTANCE.order())));
        List<EncryptedChoice> choices = new ArrayList<>(ballot.choices());
        choices.set(0, new EncryptedChoice(first.alpha(), first.beta(), new DisjunctiveProof(branches)));
        EncryptedBallot unsigned = new EncryptedBallot(ballot.electionId(), ballot.credential(), choices,
                ballot.overall(), ballot.signature());
        EncryptedBallot changed = unsigned.withSignature(BallotBuilder.signer(voter.credential().getPrivate())
                .sign(unsigned.bytes()));
        entry.set("ballot", BallotJson.toNode(changed));
        entry.put("tracker", changed.tracker().hex());
    }

    private static void assertOnlyFailures(Report report, String... names) {
        List<String> failed = report.checks().stream().filter(c -> c.status() == Status.FAIL).map(Report.Check::name)
                .toList();
        assertThat(failed).as(String.join("\n", report.lines())).containsExactly(names);
        assertThat(report.verified()).isFalse();
    }

    @Test
    void theRecordOfAWholeElectionVerifies() throws IOException {
        ElectionRecord parsed = read(record);
        assertThat(parsed.ballots()).hasSize(5);
        assertThat(parsed.voters()).hasSize(4);
        assertThat(parsed.voters().stream().filter(v -> v.credentials().size() == 2).count())
                .as("carol: her new credential and the one her first ballot was cast with").isEqualTo(1);
        assertThat(parsed.result().votes()).containsExactly(2L, 1L, 0L);
        assertThat(parsed.tally().decryption().usedShares()).hasSize(2);
        assertThat(parsed.tally().decryption().faulty()).containsOnlyKeys(3);

        Report report = new RecordVerifier(2).verify(parsed);
        assertThat(report.verified()).as(String.join("\n", report.lines())).isTrue();
        assertThat(report.checks()).extracting(Report.Check::name).containsExactly("election", "key", "ballots",
                "trackers", "eligibility", "counting", "aggregate", "shares", "decryption", "counts", "result");
        assertThat(report.checks()).filteredOn(c -> !c.name().equals("shares")).allMatch(c -> c.status() == Status.PASS);
        assertThat(report.check("ballots").summary()).startsWith("5 of 5 ballots");
        assertThat(report.check("counting").summary()).startsWith("3 counted ballots");
        assertThat(report.check("shares").status()).as("replica 3 was caught by the cluster").isEqualTo(Status.NOTE);
        assertThat(report.check("shares").problems()).singleElement().asString()
                .startsWith("replica 3 was caught by the cluster with bad shares");
        assertThat(report.check("result").summary()).startsWith("Lisbon wins");
        assertThat(record.lines().count()).as("a line per key, voter and ballot").isGreaterThan(5 + 4 + 8);
    }

    @Test
    void aChangedBallotProofIsNamedByNumberAndTracker() throws IOException {
        String[] tracker = new String[1];
        Report report = tampered(tree -> {
            changeProofAndSign(tree, 1, ALICE);
            tracker[0] = tracker(tree, 1);
        });
        assertOnlyFailures(report, "ballots");
        assertThat(report.check("ballots").problems()).containsExactly(
                "ballot 1 (tracker " + tracker[0] + "): option 0: the 0/1 proof does not verify");
        assertThat(report.check("ballots").summary()).startsWith("4 of 5 ballots");

        Report unsigned = tampered(tree -> ((ArrayNode) ballot(tree, 2).get("ballot").get("overall").get(0))
                .set(3, ballot(tree, 4).get("ballot").get("overall").get(0).get(3)));
        assertThat(unsigned.check("ballots").problems()).singleElement().asString()
                .endsWith("signature does not verify under the credential");
    }

    @Test
    void aChangedCiphertextNoLongerMatchesItsTracker() throws IOException {
        Report report = tampered(tree -> ((ObjectNode) ballot(tree, 3).get("ballot").get("choices").get(0))
                .set("alpha", ballot(tree, 1).get("ballot").get("choices").get(0).get("alpha")));
        String tracker = JSON.readTree(record).get("ballots").get(2).get("tracker").textValue();
        assertThat(report.check("trackers").status()).isEqualTo(Status.FAIL);
        assertThat(report.check("trackers").problems()).singleElement().asString()
                .startsWith("ballot 3 (tracker " + tracker + "): the tracker is not the SHA-256 of the ballot's bytes");
        assertThat(report.check("ballots").problems()).singleElement().asString().startsWith("ballot 3 ");
    }

    @Test
    void aSecondCountedBallotOfOneVoterIsCaughtAndTheAggregateNoLongerAddsUp() throws IOException {
        Report report = tampered(tree -> ballot(tree, 2).put("counted", true)); // bob's first, replaced by ballot 4
        assertOnlyFailures(report, "counting", "aggregate");
        assertThat(report.check("counting").problems()).anySatisfy(p -> assertThat(p)
                .startsWith("2 ballots of one voter are counted: ballot 2 ").contains(", ballot 4 "));
        assertThat(report.check("counting").problems()).anySatisfy(p -> assertThat(p)
                .isEqualTo("the tally says it added up 3 ballots, the box marks 4 counted"));

        Report earlier = tampered(tree -> {
            ballot(tree, 2).put("counted", true);
            ballot(tree, 4).put("counted", false);
        });
        assertThat(earlier.check("counting").problems()).singleElement().asString()
                .startsWith("ballot 2 ").contains("is counted, but the same voter cast ballot 4 ");
    }

    @Test
    void aBallotFromACredentialNotInTheListIsNamed() throws IOException {
        String[] aliceCredential = new String[1];
        Report report = tampered(tree -> {
            aliceCredential[0] = ballot(tree, 1).get("credential").textValue();
            ArrayNode voters = (ArrayNode) tree.get("voters");
            for (int v = 0; v < voters.size(); v++) {
                if (voters.get(v).get("credentials").get(0).textValue().equals(aliceCredential[0])) {
                    voters.remove(v);
                    break;
                }
            }
            tree.put("eligible", 3);
        });
        assertOnlyFailures(report, "eligibility");
        assertThat(report.check("eligibility").problems()).singleElement().asString()
                .isEqualTo("ballot 1 (tracker " + JSON.readTree(record).get("ballots").get(0).get("tracker").textValue()
                        + ") is counted, but its credential is no eligible voter's");
    }

    @Test
    void aChangedAggregateIsNamedByOption() throws IOException {
        Report report = tampered(tree -> {
            ArrayNode aggregate = (ArrayNode) tree.get("tally").get("aggregate");
            JsonNode first = aggregate.get(0);
            aggregate.set(0, aggregate.get(1));
            aggregate.set(1, first);
        });
        assertThat(report.check("aggregate").problems()).containsExactly(
                "option 0 (Lisbon): the aggregate is not the sum of the counted ballots",
                "option 1 (Kraków): the aggregate is not the sum of the counted ballots");
        assertThat(report.verified()).isFalse();
    }

    @Test
    void aBadDecryptionShareIsNamedAndTheResultHoldsWhileFPlusOneGoodOnesRemain() throws IOException {
        Consumer<ObjectNode> spoilFirst = tree -> {
            ObjectNode answer = (ObjectNode) tree.get("tally").get("shares").get(0);
            ((ObjectNode) answer.get("shares").get(0)).set("share", tree.get("key").get("publicKey"));
        };
        Report report = tampered(spoilFirst);
        int spoiled = JSON.readTree(record).get("tally").get("shares").get(0).get("replica").intValue();
        assertThat(report.verified()).as(String.join("\n", report.lines())).isTrue();
        assertThat(report.check("shares").status()).isEqualTo(Status.NOTE);
        assertThat(report.check("shares").summary()).contains("bad shares from replicas [" + spoiled + "]: the result holds");
        assertThat(report.check("shares").problems())
                .contains("replica " + spoiled + "'s shares: share 0's proof does not verify");
        assertThat(report.check("decryption").status()).isEqualTo(Status.PASS);

        Report two = tampered(spoilFirst.andThen(tree -> {
            ObjectNode answer = (ObjectNode) tree.get("tally").get("shares").get(1);
            ((ObjectNode) answer.get("shares").get(2)).set("share", tree.get("key").get("publicKey"));
        }));
        assertOnlyFailures(two, "shares", "decryption");
        assertThat(two.check("shares").problems().get(0)).isEqualTo("only 1 valid shares: a decryption needs 2");
    }

    @Test
    void aChangedCountOrWinnerIsCaught() throws IOException {
        Report count = tampered(tree -> ((ObjectNode) tree.get("result").get("results").get(1)).put("votes", 2));
        assertOnlyFailures(count, "counts", "result");
        assertThat(count.check("counts").problems()).containsExactly("option 1 (Kraków): the decrypted sum is not 2·G");

        Report winner = tampered(tree -> ((ObjectNode) tree.get("result")).put("winner", "Tallinn"));
        assertOnlyFailures(winner, "result");
        assertThat(winner.check("result").problems())
                .containsExactly("the result says Tallinn wins; the counts say Lisbon wins");
    }

    @Test
    void aChangedVerificationKeyIsCaught() throws IOException {
        Report report = tampered(tree -> {
            ArrayNode keys = (ArrayNode) tree.get("key").get("verificationKeys");
            keys.set(1, keys.get(0));
        });
        assertThat(report.check("key").status()).isEqualTo(Status.FAIL);
        assertThat(report.check("key").problems())
                .containsExactly("replica 1's verification key is not what the dealings give");
        assertThat(report.verified()).isFalse();
    }

    @Test
    void aRecordOfAnElectionNotYetTalliedSaysSo() throws IOException {
        Report report = tampered(tree -> {
            tree.set("result", com.fasterxml.jackson.databind.node.NullNode.instance);
            ObjectNode tally = (ObjectNode) tree.get("tally");
            tally.put("state", "none").putNull("counted").putNull("operation").putNull("epoch").putNull("plaintexts");
            tally.putArray("aggregate");
            tally.putArray("shares");
            tally.putArray("faulty");
        });
        assertOnlyFailures(report, "aggregate", "shares", "decryption", "counts", "result");
        assertThat(report.check("result").problems()).singleElement().asString().startsWith("the tally is none");
    }

    @Test
    void aMalformedOrTruncatedRecordIsRefusedWithAMessage() {
        assertThatThrownBy(() -> read(record.substring(0, record.length() / 2)))
                .isInstanceOf(RecordFormatException.class).hasMessageStartingWith("not valid JSON: Unexpected end-of-input");
        assertThatThrownBy(() -> read("")).isInstanceOf(RecordFormatException.class);
        assertThatThrownBy(() -> read("[1, 2]")).hasMessage("$: an election record is a JSON object");
        assertThatThrownBy(() -> read(record.replace("\"format\":\"bastion-election-record\"", "\"format\":\"other\"")))
                .hasMessage("$.format: must be \"bastion-election-record\": not an election record");
        assertThatThrownBy(() -> read(record.replace("\"eligible\":4", "\"eligible\":\"four\"")))
                .hasMessage("$.eligible: must be an integer in 0.." + Long.MAX_VALUE);
        assertThatThrownBy(() -> read(record.replaceFirst("\"castAt\":", "\"castAt\":\"x\",\"cast\":")))
                .hasMessage("$.ballots[0]: unexpected key \"cast\"");
        assertThatThrownBy(() -> read(record.replaceFirst("\"number\":2,", "\"number\":2,\"number\":2,")))
                .hasMessageStartingWith("not valid JSON: Duplicate").hasMessageContaining("number");
        assertThatThrownBy(() -> read(record + "{}")).hasMessage("$: text after the record");
        String tally = "\"tally\":{";
        assertThatThrownBy(() -> read(record.replace(tally, tally + "\"extra\":1,")))
                .hasMessage("$.tally: unexpected key \"extra\"");
    }
}
