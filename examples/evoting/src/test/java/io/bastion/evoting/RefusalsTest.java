package io.bastion.evoting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bastion.core.TestKeys;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.Request;
import io.bastion.evoting.ballot.BallotBuilder;
import io.bastion.evoting.ballot.BallotJson;
import io.bastion.evoting.ballot.BallotParameters;
import io.bastion.evoting.ballot.BallotVerifier;
import io.bastion.evoting.ballot.EncryptedBallot;
import io.bastion.evoting.ballot.EncryptedChoice;
import io.bastion.threshold.P256Group;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every expected refusal is an ordinary {"error": …} reply that says why, and changes nothing. */
class RefusalsTest {
    private static final int[] LISBON = {1, 0, 0};

    @TempDir
    Path directory;

    private Replicas replicas;
    private final TestVoter alice = TestVoter.demo("alice");
    private final TestVoter bob = TestVoter.demo("bob");
    private Replicas.Session admin;
    private Replicas.Session aliceSession;
    private Replicas.Session bobSession;

    @BeforeEach
    void start() {
        replicas = Replicas.demo(directory);
        admin = replicas.enroll(TestVoter.demo("admin"));
        aliceSession = replicas.enroll(alice);
        bobSession = replicas.enroll(bob);
    }

    @AfterEach
    void close() {
        replicas.close();
    }

    private String refused(Replicas.Session session, String operation) {
        return error(replicas.call(session, operation));
    }

    private static String error(JsonNode reply) {
        assertThat(reply.has("error")).as("a refusal, got %s", reply).isTrue();
        assertThat(reply.size()).as("an error reply holds only the error").isEqualTo(1);
        return reply.get("error").textValue();
    }

    private String refusedBallot(Replicas.Session session, long electionId, JsonNode ballot) {
        return error(replicas.cast(session, electionId, ballot));
    }

    private long aliceOnlyElection() {
        long id = replicas.call(admin, "{'op':'createElection','title':'Chair','options':['x','y']}")
                .get("id").longValue();
        replicas.call(admin, "{'op':'addVoters','electionId':" + id + ",'voters':['alice']}");
        return id;
    }

    private void boxIsEmpty(long electionId) {
        assertThat(replicas.read(admin, "{'op':'ballotBox','electionId':" + electionId + "}").get("total").longValue())
                .as("nothing was cast").isZero();
    }

    @Test
    void badBallotsAndGarbageAmongGoodOnesInOneBatchAreRefusedAsAloneAndTheGoodOnesCheckedTogether() {
        // credentials of their own: the memo of valid ballots and suspect credentials is the JVM's, and
        // another test's false proof under a shared credential would keep it out of the sum
        TestVoter carol = TestVoter.demo("carol", 0x5eed_0001L);
        TestVoter dave = TestVoter.demo("dave", 0x5eed_0002L);
        Replicas.Session carolSession = replicas.enroll(carol);
        Replicas.Session daveSession = replicas.enroll(dave);
        JsonNode election = replicas.awaitKey(aliceSession, 1);
        EncryptedBallot honest = bob.build(election, LISBON, 11);
        List<EncryptedChoice> swapped = new ArrayList<>(honest.choices());
        swapped.set(0, honest.choices().get(1));
        swapped.set(1, honest.choices().get(0));
        EncryptedBallot unsigned = new EncryptedBallot(1, honest.credential(), swapped, honest.overall(), honest.signature());
        EncryptedBallot tampered = unsigned.withSignature(BallotBuilder.signer(bob.credential().getPrivate())
                .sign(unsigned.bytes()));
        EncryptedBallot fromAlice = alice.build(election, LISBON, 12);
        EncryptedBallot fromCarol = carol.build(election, new int[] {0, 1, 0}, 13);
        EncryptedBallot fromDave = dave.build(election, new int[] {0, 0, 1}, 14);
        EncryptedBallot forged = fromDave.withSignature(BallotBuilder.signer(carol.credential().getPrivate())
                .sign(fromDave.bytes()));

        List<JsonNode> replies = replicas.order(List.of(
                replicas.castRequest(aliceSession, 1, BallotJson.toNode(fromAlice)),
                replicas.castRequest(bobSession, 1, BallotJson.toNode(tampered)),
                replicas.castRequest(carolSession, 1, BallotJson.toNode(fromCarol)),
                replicas.request(daveSession, Request.Kind.WRITE, "{\"op\":\"castBallot\",\"electionId\":1}"),
                replicas.castRequest(daveSession, 1, BallotJson.toNode(forged)),
                replicas.castRequest(daveSession, 1, BallotJson.toNode(fromDave)),
                replicas.request(bobSession, Request.Kind.WRITE, "not JSON at all \u0000"),
                replicas.request(bobSession, Request.Kind.WRITE, "{\"op\":\"castBallot\",\"electionId\":1,\"ballot\":\"x\"}"),
                replicas.request(bobSession, Request.Kind.WRITE, "{\"op\":\"castBallot\",\"electionId\":99999,\"ballot\":"
                        + BallotJson.toNode(honest) + "}"),
                replicas.request(bobSession, Request.Kind.WRITE, "{\"op\":\"castBallot\",\"electionId\":1e400,\"ballot\":{}}"),
                replicas.request(bobSession, Request.Kind.WRITE, "[1, 2, 3]")))
                .stream().map(reply -> replicas.parse(reply.result())).toList();

        assertThat(replies.get(0).get("tracker").textValue()).isEqualTo(fromAlice.tracker().hex());
        assertThat(error(replies.get(1))).isEqualTo("ballot refused: option 0: the 0/1 proof does not verify");
        assertThat(replies.get(2).get("tracker").textValue()).isEqualTo(fromCarol.tracker().hex());
        assertThat(error(replies.get(3))).startsWith("castBallot needs \"ballot\"");
        assertThat(error(replies.get(4))).isEqualTo("ballot refused: signature does not verify under the credential");
        assertThat(replies.get(5).get("tracker").textValue()).isEqualTo(fromDave.tracker().hex());
        assertThat(error(replies.get(6))).startsWith("malformed request");
        assertThat(error(replies.get(7))).startsWith("castBallot needs \"ballot\"");
        assertThat(error(replies.get(8))).isEqualTo("unknown election 99999");
        assertThat(error(replies.get(9))).startsWith("castBallot needs \"electionId\"");
        assertThat(error(replies.get(10))).startsWith("malformed request");
        BallotParameters parameters = TestVoter.parameters(election);
        for (EncryptedBallot good : List.of(fromCarol, fromDave)) {
            assertThat(BallotVerifier.remembered(parameters, good)).as("checked together before the batch ran").isTrue();
        }
        for (EncryptedBallot bad : List.of(tampered, forged)) {
            assertThat(BallotVerifier.remembered(parameters, bad)).isFalse();
        }
    }

    @Test
    void eachBadBallotIsRefusedWithItsReasonAndLeavesTheBoxAsItWas() {
        JsonNode election = replicas.awaitKey(aliceSession, 1);
        EncryptedBallot honest = alice.build(election, LISBON, 1);
        List<EncryptedChoice> swapped = new ArrayList<>(honest.choices());
        swapped.set(0, honest.choices().get(1));
        swapped.set(1, honest.choices().get(0));
        EncryptedBallot unsigned = new EncryptedBallot(1, honest.credential(), swapped, honest.overall(),
                honest.signature());
        EncryptedBallot tampered = unsigned.withSignature(
                BallotBuilder.signer(alice.credential().getPrivate()).sign(unsigned.bytes()));
        assertThat(refusedBallot(aliceSession, 1, BallotJson.toNode(tampered)))
                .as("options swapped and signed again: the proofs are bound to their option")
                .isEqualTo("ballot refused: option 0: the 0/1 proof does not verify");
        EncryptedBallot forged = honest.withSignature(
                BallotBuilder.signer(bob.credential().getPrivate()).sign(honest.bytes()));
        assertThat(refusedBallot(aliceSession, 1, BallotJson.toNode(forged)))
                .isEqualTo("ballot refused: signature does not verify under the credential");
        assertThat(refusedBallot(aliceSession, 1, bob.ballot(election, LISBON, 2)))
                .as("bob's ballot, sent by alice").isEqualTo("the ballot's credential is not yours: sign it with the"
                        + " credential you enrolled");
        assertThat(refusedBallot(aliceSession, 1, replicas.parse("{}".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo("malformed ballot: ballot: missing key \"version\"");
        ObjectNode offCurve = BallotJson.toNode(honest, BallotJson.Points.UNCOMPRESSED);
        byte[] beta = P256Group.INSTANCE.encodeUncompressed(honest.choices().get(0).beta());
        beta[64] ^= 1;
        ((ObjectNode) offCurve.get("choices").get(0)).put("beta", Base64.getUrlEncoder().withoutPadding().encodeToString(beta));
        assertThat(refusedBallot(aliceSession, 1, offCurve)).as("an uncompressed point off the curve")
                .isEqualTo("malformed ballot: choices[0].beta: not a point on P-256");
        beta[0] = 0x06;
        ((ObjectNode) offCurve.get("choices").get(0)).put("beta", Base64.getUrlEncoder().withoutPadding().encodeToString(beta));
        assertThat(refusedBallot(aliceSession, 1, offCurve)).as("SEC1's hybrid form")
                .isEqualTo("malformed ballot: choices[0].beta: not an uncompressed point (first byte 0x04)");
        assertThat(refused(aliceSession, "{'op':'castBallot','electionId':1,'ballot':'" + BallotJson.write(honest)
                .replace('"', '`') + "'}")).isEqualTo("castBallot needs \"ballot\": a ballot, the JSON object of"
                + " docs/ballots.md");
        assertThat(refused(aliceSession, "{'op':'castBallot','electionId':1,'option':'Lisbon'}"))
                .as("the plaintext vote of old").isEqualTo("castBallot needs \"ballot\": a ballot, the JSON object of"
                        + " docs/ballots.md");
        boxIsEmpty(1);

        assertThat(replicas.cast(aliceSession, 1, BallotJson.toNode(honest)).get("number").longValue()).isEqualTo(1);
        assertThat(refusedBallot(aliceSession, 1, BallotJson.toNode(honest)))
                .isEqualTo("ballot " + honest.tracker().hex() + " is already in the ballot box");
        assertThat(refusedBallot(aliceSession, 1, BallotJson.toNode(honest, BallotJson.Points.UNCOMPRESSED)))
                .as("the same ballot with its points uncompressed is the same ballot")
                .isEqualTo("ballot " + honest.tracker().hex() + " is already in the ballot box");
    }

    @Test
    void aBallotForAnotherElectionIsRefused() {
        long chair = aliceOnlyElection();
        JsonNode other = replicas.awaitKey(aliceSession, chair);
        JsonNode demo = replicas.read(aliceSession, "{'op':'election','electionId':1}");
        assertThat(refusedBallot(aliceSession, 1, alice.ballot(other, new int[] {1, 0}, 3)))
                .isEqualTo("ballot is for election " + chair + ", not 1");
        assertThat(refusedBallot(aliceSession, chair, alice.ballot(demo, LISBON, 4)))
                .isEqualTo("ballot is for election 1, not " + chair);
        boxIsEmpty(1);
        boxIsEmpty(chair);
    }

    @Test
    void noBallotIsTakenBeforeTheElectionsKeyExistsNorAfterTheClose() {
        JsonNode shape = replicas.awaitKey(aliceSession, 1);
        long chair = aliceOnlyElection(); // its key is asked for; the replicas have not made it in this batch
        assertThat(refusedBallot(aliceSession, chair, alice.ballot(shape, LISBON, 5)))
                .isEqualTo("election " + chair + " has no key yet: the replicas are still making it; try again in a"
                        + " few seconds");
        JsonNode election = replicas.read(aliceSession, "{'op':'election','electionId':1}");
        replicas.call(admin, "{'op':'closeElection','electionId':1}");
        assertThat(refusedBallot(aliceSession, 1, alice.ballot(election, LISBON, 6)))
                .isEqualTo("election 1 is closed: voting ended at " + (replicas.lastTimeMillis() - 1_000));
        boxIsEmpty(1);
    }

    @Test
    void aVoterWhoIsNotEligibleCannotVoteNorSeeTheCountsButMayReadTheBox() {
        long id = aliceOnlyElection();
        String notEligible = "you are not eligible for election " + id;
        JsonNode ballot = replicas.parse("{}".getBytes(StandardCharsets.UTF_8));
        assertThat(refusedBallot(bobSession, id, ballot)).isEqualTo(notEligible);
        assertThat(refused(bobSession, "{'op':'myBallots','electionId':" + id + "}")).isEqualTo(notEligible);
        assertThat(refused(bobSession, "{'op':'turnout','electionId':" + id + "}")).isEqualTo(notEligible);
        assertThat(refused(bobSession, "{'op':'results','electionId':" + id + "}")).isEqualTo(notEligible);
        assertThat(refused(bobSession, "{'op':'election','electionId':" + id + "}")).isEqualTo(notEligible);
        assertThat(replicas.read(bobSession, "{'op':'ballotBox','electionId':" + id + "}").get("total").longValue())
                .as("the box is public").isZero();
        assertThat(replicas.read(bobSession, "{'op':'listElections'}").get("elections"))
                .extracting(e -> e.get("id").longValue()).containsExactly(1L);
        assertThat(replicas.read(aliceSession, "{'op':'listElections'}").get("elections"))
                .extracting(e -> e.get("id").longValue()).containsExactly(id, 1L);
    }

    @Test
    void anUnknownElectionOrBallotIsNamed() {
        assertThat(refusedBallot(aliceSession, 42, replicas.parse("{}".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo("unknown election 42");
        assertThat(refused(aliceSession, "{'op':'results','electionId':42}")).isEqualTo("unknown election 42");
        assertThat(refused(aliceSession, "{'op':'ballotBox','electionId':42}")).isEqualTo("unknown election 42");
        assertThat(refused(admin, "{'op':'closeElection','electionId':42}")).isEqualTo("unknown election 42");
        assertThat(refused(admin, "{'op':'addVoters','electionId':42,'voters':['bob']}"))
                .isEqualTo("unknown election 42");
        String tracker = "0".repeat(64);
        assertThat(refused(aliceSession, "{'op':'ballot','tracker':'" + tracker + "'}"))
                .isEqualTo("no ballot " + tracker + " in any ballot box");
        assertThat(refused(aliceSession, "{'op':'ballot','tracker':'ABC'}"))
                .isEqualTo("ballot needs \"tracker\": 64 lowercase hex digits");
    }

    @Test
    void resultsWaitForTheClose() {
        assertThat(refused(aliceSession, "{'op':'results','electionId':1}"))
                .isEqualTo("results are published when the election closes");
        assertThat(refused(admin, "{'op':'results','electionId':1}"))
                .isEqualTo("results are published when the election closes");
    }

    @Test
    void aVoterCannotCallTheAdminOperations() {
        String key = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                DemoData.ADMIN.enrollmentKey().bytes());
        for (String operation : List.of(
                "{'op':'createElection','title':'Mine','options':['a','b']}",
                "{'op':'addVoters','electionId':1,'voters':['bob']}",
                "{'op':'registerVoter','voter':'eve','name':'Eve','role':'admin','enrollmentKey':'" + key + "'}",
                "{'op':'resetCredential','voter':'bob','enrollmentKey':'" + key + "'}",
                "{'op':'closeElection','electionId':1}")) {
            String op = replicas.parse(Replicas.json(operation).getBytes(StandardCharsets.UTF_8)).get("op").textValue();
            assertThat(refused(aliceSession, operation)).isEqualTo("only an admin may " + op);
        }
        assertThat(replicas.read(admin, "{'op':'listElections'}").get("elections").get(0).get("state").textValue())
                .isEqualTo("open");
    }

    @Test
    void malformedRequestsUnknownOpsAndMissingFieldsAreRefusedWithTheReason() {
        assertThat(refused(aliceSession, "{not json")).isEqualTo("malformed request: not a JSON object in UTF-8");
        assertThat(refused(aliceSession, "")).isEqualTo("malformed request: expected a JSON object {\"op\": ...}");
        assertThat(refused(aliceSession, "[1,2]")).isEqualTo("malformed request: expected a JSON object {\"op\": ...}");
        assertThat(refused(aliceSession, "{'op':'castBallot'} {}"))
                .isEqualTo("malformed request: not a JSON object in UTF-8");
        assertThat(refused(aliceSession, "{'op':'turnout','electionId':1,'electionId':2}"))
                .as("a duplicate key").isEqualTo("malformed request: not a JSON object in UTF-8");
        assertThat(refused(aliceSession, "{'electionId':1}")).isEqualTo("malformed request: \"op\" (a string) is missing");
        assertThat(refused(aliceSession, "{'op':7}")).isEqualTo("malformed request: \"op\" (a string) is missing");
        assertThat(refused(aliceSession, "{'op':'vote'}")).isEqualTo("unknown op \"vote\"; the ops are [createElection,"
                + " addVoters, registerVoter, resetCredential, closeElection, castBallot, listElections, election,"
                + " myBallots, ballotBox, ballot, turnout, results, record]");
        assertThat(refused(aliceSession, "{'op':'castBallot','ballot':{}}"))
                .isEqualTo("castBallot needs \"electionId\": a positive integer");
        assertThat(refused(aliceSession, "{'op':'castBallot','electionId':'1','ballot':{}}"))
                .isEqualTo("castBallot needs \"electionId\": a positive integer");
        assertThat(refused(aliceSession, "{'op':'myBallots','electionId':1.5}"))
                .isEqualTo("myBallots needs \"electionId\": a positive integer");
        assertThat(refused(aliceSession, "{'op':'ballotBox','electionId':1,'after':-1}"))
                .isEqualTo("ballotBox needs \"after\": an integer in 0..9223372036854775807");
        assertThat(refused(admin, "{'op':'createElection','title':'No options'}"))
                .isEqualTo("createElection needs \"options\": an array of 1..20 distinct strings of 1..100 characters");
        assertThat(refused(admin, "{'op':'createElection','title':'Twice','options':['a','a']}"))
                .isEqualTo("createElection needs \"options\": an array of 1..20 distinct strings of 1..100 characters");
        assertThat(refused(admin, "{'op':'createElection','title':'One','options':['a']}"))
                .isEqualTo("createElection needs at least two options");
        assertThat(refused(admin, "{'op':'createElection','options':['a','b']}"))
                .isEqualTo("createElection needs \"title\": a string of 1..200 characters");
        assertThat(refused(admin, "{'op':'createElection','title':'T','options':['a','b'],'opensAt':-1}"))
                .isEqualTo("createElection needs \"opensAt\": epoch milliseconds, a non-negative integer");
        assertThat(replicas.read(admin, "{'op':'listElections'}").get("elections")).as("nothing was created")
                .hasSize(1);
    }

    @Test
    void aRequestThatIsNotUtf8IsRefused() {
        byte[] truncated = {'{', '"', 'o', 'p', '"', ':', '"', (byte) 0xC3, '"', '}'}; // half of "Ã"
        Envelope<Request> request = Envelope.sign(new Request(aliceSession.clientId(), 1_000, Request.Kind.WRITE,
                truncated), TestKeys.signer(aliceSession.keyId()));
        JsonNode reply = replicas.parse(replicas.order(List.of(request)).get(0).result());
        assertThat(reply.get("error").textValue()).isEqualTo("malformed request: not a JSON object in UTF-8");
    }

    @Test
    void aWriteSentAsAnUnorderedReadIsRefused() {
        Envelope<Request> read = replicas.request(aliceSession, Request.Kind.READ,
                "{'op':'castBallot','electionId':1,'ballot':{}}");
        for (var machine : replicas.machines()) {
            JsonNode reply = replicas.parse(machine.query(read, 0).result());
            assertThat(reply.get("error").textValue()).isEqualTo("castBallot writes: send it ordered, not as a read");
        }
        boxIsEmpty(1);
    }

    @Test
    void aVoterMayReplaceABallotOnlyUpToTheLimit() {
        JsonNode election = replicas.awaitKey(aliceSession, 1);
        for (int i = 0; i < Ballots.BALLOTS_PER_VOTER_MAX; i++) {
            assertThat(replicas.cast(aliceSession, 1, alice.ballot(election, LISBON, 100 + i)).has("tracker")).isTrue();
        }
        assertThat(refusedBallot(aliceSession, 1, alice.ballot(election, LISBON, 99)))
                .isEqualTo("you have cast 20 ballots in election 1, the most one voter may");
    }
}
