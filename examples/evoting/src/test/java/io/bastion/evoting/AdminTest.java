package io.bastion.evoting;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class AdminTest {
    @TempDir
    Path directory;

    private Replicas replicas;
    private Replicas.Session admin;

    @BeforeEach
    void start() {
        replicas = Replicas.demo(directory);
        admin = replicas.signIn("admin", "admin-demo");
    }

    @AfterEach
    void close() {
        replicas.close();
    }

    private String error(String operation) {
        JsonNode reply = replicas.call(admin, operation);
        assertThat(reply.has("error")).as("%s → %s", operation, reply).isTrue();
        return reply.get("error").textValue();
    }

    @Test
    void createElectionOpensNowByDefaultWithNoCloseTime() {
        JsonNode created = replicas.call(admin,
                "{'op':'createElection','title':'Lunch','options':['soup','salad','pie']}");
        assertThat(created.get("id").longValue()).isEqualTo(2);
        assertThat(created.get("title").textValue()).isEqualTo("Lunch");
        assertThat(created.get("options")).extracting(JsonNode::textValue).containsExactly("soup", "salad", "pie");
        assertThat(created.get("opensAt").longValue()).as("the agreed time of its batch")
                .isEqualTo(replicas.lastTimeMillis());
        assertThat(created.get("closesAt").isNull()).isTrue();
        assertThat(created.get("state").textValue()).isEqualTo("open");
        assertThat(replicas.read(admin, "{'op':'listElections'}").get("elections"))
                .extracting(e -> e.get("id").longValue()).as("an admin sees every election, newest first")
                .containsExactly(2L, 1L);
        assertThat(replicas.read(admin, "{'op':'turnout','electionId':2}").get("eligible").longValue()).isZero();
    }

    @Test
    void createElectionRefusesAWindowThatEndsBeforeItOpensOrIsAlreadyOver() {
        long now = replicas.lastTimeMillis() + 1_000;
        assertThat(error("{'op':'createElection','title':'T','options':['a','b'],'opensAt':" + (now + 10)
                + ",'closesAt':" + (now + 10) + "}")).isEqualTo("closesAt must be later than opensAt");
        assertThat(error("{'op':'createElection','title':'T','options':['a','b'],'opensAt':0,'closesAt':"
                + (now - 1) + "}")).isEqualTo("closesAt must be later than now (agreed time " + (now + 1_000) + ")");
    }

    @Test
    void addVotersMakesRegisteredVotersEligibleAndRefusesUnknownOnesWithoutAddingAny() {
        long id = replicas.call(admin, "{'op':'createElection','title':'T','options':['a','b']}").get("id").longValue();
        JsonNode added = replicas.call(admin, "{'op':'addVoters','electionId':" + id + ",'voters':['alice','bob']}");
        assertThat(added.get("added").intValue()).isEqualTo(2);
        assertThat(added.get("eligible").longValue()).isEqualTo(2);
        JsonNode again = replicas.call(admin, "{'op':'addVoters','electionId':" + id + ",'voters':['bob','carol']}");
        assertThat(again.get("added").intValue()).as("bob was already eligible").isEqualTo(1);
        assertThat(again.get("eligible").longValue()).isEqualTo(3);
        assertThat(error("{'op':'addVoters','electionId':" + id + ",'voters':['dave','zoe']}"))
                .isEqualTo("unknown voter zoe");
        assertThat(replicas.read(admin, "{'op':'turnout','electionId':" + id + "}").get("eligible").longValue())
                .as("dave was not added either").isEqualTo(3);
        replicas.call(admin, "{'op':'closeElection','electionId':" + id + "}");
        assertThat(error("{'op':'addVoters','electionId':" + id + ",'voters':['dave']}"))
                .isEqualTo("election " + id + " is closed");
    }

    @Test
    void registerVoterCreatesAnAccountThatCanSignInAndVote() {
        JsonNode registered = replicas.call(admin,
                "{'op':'registerVoter','voter':'erin','name':'Erin','secret':'erin-secret','role':'voter'}");
        assertThat(registered.toString()).isEqualTo("{\"voter\":\"erin\",\"name\":\"Erin\",\"role\":\"voter\"}");
        replicas.call(admin, "{'op':'addVoters','electionId':1,'voters':['erin']}");
        Replicas.Session erin = replicas.signIn("erin", "erin-secret");
        assertThat(replicas.call(erin, "{'op':'castBallot','electionId':1,'option':'Tallinn'}").has("receipt"))
                .isTrue();
        assertThat(replicas.call(erin, "{'op':'closeElection','electionId':1}").get("error").textValue())
                .isEqualTo("only an admin may closeElection");

        assertThat(error("{'op':'registerVoter','voter':'erin','name':'E','secret':'another-one','role':'voter'}"))
                .isEqualTo("voter erin already exists");
        assertThat(error(
                "{'op':'registerVoter','voter':'Frank Smith','name':'F','secret':'frank-secret','role':'voter'}"))
                .startsWith("a voter id has 1..64 lowercase letters");
        assertThat(error("{'op':'registerVoter','voter':'frank','name':'F','secret':'short','role':'voter'}"))
                .isEqualTo("a secret has 8..256 characters");
        assertThat(error("{'op':'registerVoter','voter':'frank','name':'F','secret':'frank-secret','role':'root'}"))
                .isEqualTo("role must be \"admin\" or \"voter\", not \"root\"");
    }

    @Test
    void aSecondAdminCanRunElections() {
        replicas.call(admin,
                "{'op':'registerVoter','voter':'grace','name':'Grace','secret':'grace-secret','role':'admin'}");
        Replicas.Session grace = replicas.signIn("grace", "grace-secret");
        JsonNode closed = replicas.call(grace, "{'op':'closeElection','electionId':1}");
        assertThat(closed.get("state").textValue()).isEqualTo("closed");
        assertThat(error("{'op':'closeElection','electionId':1}")).isEqualTo("election 1 is already closed");
    }
}
