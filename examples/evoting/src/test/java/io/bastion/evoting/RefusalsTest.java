package io.bastion.evoting;

import com.fasterxml.jackson.databind.JsonNode;
import io.bastion.core.TestKeys;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every expected refusal is an ordinary {"error": …} reply that says why, and changes nothing. */
class RefusalsTest {
    @TempDir
    Path directory;

    private Replicas replicas;
    private Replicas.Session admin;
    private Replicas.Session alice;
    private Replicas.Session bob;

    @BeforeEach
    void start() {
        replicas = Replicas.demo(directory);
        admin = replicas.signIn("admin", "admin-demo");
        alice = replicas.signIn("alice", "alice-demo");
        bob = replicas.signIn("bob", "bob-demo");
    }

    @AfterEach
    void close() {
        replicas.close();
    }

    private String refused(Replicas.Session session, String operation) {
        JsonNode reply = replicas.call(session, operation);
        assertThat(reply.has("error")).as("%s → %s", operation, reply).isTrue();
        assertThat(reply.size()).as("an error reply holds only the error").isEqualTo(1);
        return reply.get("error").textValue();
    }

    private long aliceOnlyElection() {
        long id = replicas.call(admin, "{'op':'createElection','title':'Chair','options':['x','y']}")
                .get("id").longValue();
        replicas.call(admin, "{'op':'addVoters','electionId':" + id + ",'voters':['alice']}");
        return id;
    }

    @Test
    void aVoterWhoIsNotEligibleCannotVoteNorSeeTheCounts() {
        long id = aliceOnlyElection();
        String notEligible = "you are not eligible for election " + id;
        assertThat(refused(bob, "{'op':'castBallot','electionId':" + id + ",'option':'x'}")).isEqualTo(notEligible);
        assertThat(refused(bob, "{'op':'myReceipt','electionId':" + id + "}")).isEqualTo(notEligible);
        assertThat(refused(bob, "{'op':'turnout','electionId':" + id + "}")).isEqualTo(notEligible);
        assertThat(refused(bob, "{'op':'results','electionId':" + id + "}")).isEqualTo(notEligible);
        assertThat(replicas.read(bob, "{'op':'listElections'}").get("elections"))
                .extracting(e -> e.get("id").longValue()).containsExactly(1L);
        assertThat(replicas.read(alice, "{'op':'listElections'}").get("elections"))
                .extracting(e -> e.get("id").longValue()).containsExactly(id, 1L);
        assertThat(replicas.read(admin, "{'op':'turnout','electionId':" + id + "}").get("voted").longValue()).isZero();
    }

    @Test
    void anUnknownElectionIsNamed() {
        assertThat(refused(alice, "{'op':'castBallot','electionId':42,'option':'Lisbon'}"))
                .isEqualTo("unknown election 42");
        assertThat(refused(alice, "{'op':'results','electionId':42}")).isEqualTo("unknown election 42");
        assertThat(refused(admin, "{'op':'closeElection','electionId':42}")).isEqualTo("unknown election 42");
        assertThat(refused(admin, "{'op':'addVoters','electionId':42,'voters':['bob']}"))
                .isEqualTo("unknown election 42");
    }

    @Test
    void anOptionThatIsNotOnTheBallotIsRefused() {
        assertThat(refused(alice, "{'op':'castBallot','electionId':1,'option':'Paris'}"))
                .isEqualTo("\"Paris\" is not an option of election 1; the options are [Lisbon, Kraków, Tallinn]");
        assertThat(replicas.read(alice, "{'op':'myReceipt','electionId':1}").get("ballots")).isEmpty();
    }

    @Test
    void aVoterCannotCallTheAdminOperations() {
        for (String operation : List.of(
                "{'op':'createElection','title':'Mine','options':['a','b']}",
                "{'op':'addVoters','electionId':1,'voters':['bob']}",
                "{'op':'registerVoter','voter':'eve','name':'Eve','secret':'eve-secret','role':'admin'}",
                "{'op':'closeElection','electionId':1}")) {
            String op = replicas.parse(Replicas.json(operation).getBytes(StandardCharsets.UTF_8)).get("op").textValue();
            assertThat(refused(alice, operation)).isEqualTo("only an admin may " + op);
        }
        assertThat(replicas.read(admin, "{'op':'listElections'}").get("elections").get(0).get("state").textValue())
                .isEqualTo("open");
        assertThat(replicas.join("{'voter':'eve','secret':'eve-secret'}").status()).isEqualTo(Reply.Status.REFUSED);
    }

    @Test
    void malformedRequestsUnknownOpsAndMissingFieldsAreRefusedWithTheReason() {
        assertThat(refused(alice, "{not json")).isEqualTo("malformed request: not a JSON object in UTF-8");
        assertThat(refused(alice, "")).isEqualTo("malformed request: expected a JSON object {\"op\": ...}");
        assertThat(refused(alice, "[1,2]")).isEqualTo("malformed request: expected a JSON object {\"op\": ...}");
        assertThat(refused(alice, "{'op':'castBallot'} {}")).isEqualTo("malformed request: not a JSON object in UTF-8");
        assertThat(refused(alice, "{'op':'turnout','electionId':1,'electionId':2}"))
                .as("a duplicate key").isEqualTo("malformed request: not a JSON object in UTF-8");
        assertThat(refused(alice, "{'electionId':1}")).isEqualTo("malformed request: \"op\" (a string) is missing");
        assertThat(refused(alice, "{'op':7}")).isEqualTo("malformed request: \"op\" (a string) is missing");
        assertThat(refused(alice, "{'op':'vote'}")).isEqualTo("unknown op \"vote\"; the ops are [createElection,"
                + " addVoters, registerVoter, closeElection, castBallot, listElections, myReceipt, turnout, results]");
        assertThat(refused(alice, "{'op':'castBallot','electionId':1}"))
                .isEqualTo("castBallot needs \"option\": a string of 1..100 characters");
        assertThat(refused(alice, "{'op':'castBallot','option':'Lisbon'}"))
                .isEqualTo("castBallot needs \"electionId\": a positive integer");
        assertThat(refused(alice, "{'op':'castBallot','electionId':'1','option':'Lisbon'}"))
                .isEqualTo("castBallot needs \"electionId\": a positive integer");
        assertThat(refused(alice, "{'op':'myReceipt','electionId':1.5}"))
                .isEqualTo("myReceipt needs \"electionId\": a positive integer");
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
        assertThat(refused(admin, "{'op':'registerVoter','voter':'erin','name':'Erin','secret':'erin-secret'}"))
                .isEqualTo("registerVoter needs \"role\": a string of 1..100 characters");
        assertThat(replicas.read(admin, "{'op':'listElections'}").get("elections")).as("nothing was created")
                .hasSize(1);
    }

    @Test
    void aRequestThatIsNotUtf8IsRefused() {
        byte[] truncated = {'{', '"', 'o', 'p', '"', ':', '"', (byte) 0xC3, '"', '}'}; // half of "Ã"
        Envelope<Request> request = Envelope.sign(new Request(alice.clientId(), 1_000, Request.Kind.WRITE, truncated),
                TestKeys.signer(alice.keyId()));
        JsonNode reply = replicas.parse(replicas.order(List.of(request)).get(0).result());
        assertThat(reply.get("error").textValue()).isEqualTo("malformed request: not a JSON object in UTF-8");
    }

    @Test
    void aWriteSentAsAnUnorderedReadIsRefused() {
        Envelope<Request> read = replicas.request(alice, Request.Kind.READ,
                "{'op':'castBallot','electionId':1,'option':'Lisbon'}");
        for (var machine : replicas.machines()) {
            JsonNode reply = replicas.parse(machine.query(read, 0).result());
            assertThat(reply.get("error").textValue())
                    .isEqualTo("castBallot writes: send it ordered, not as a read");
        }
        assertThat(replicas.read(alice, "{'op':'myReceipt','electionId':1}").get("ballots")).isEmpty();
    }

    @Test
    void aVoterMayReplaceABallotOnlyUpToTheLimit() {
        for (int i = 0; i < Ballots.BALLOTS_PER_VOTER_MAX; i++) {
            assertThat(replicas.call(alice, "{'op':'castBallot','electionId':1,'option':'Lisbon'}").has("receipt"))
                    .isTrue();
        }
        assertThat(refused(alice, "{'op':'castBallot','electionId':1,'option':'Tallinn'}"))
                .isEqualTo("you have cast 20 ballots in election 1, the most one voter may");
    }
}
