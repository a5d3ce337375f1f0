package io.bastion.evoting;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

class AdminTest {
    @TempDir
    Path directory;

    private Replicas replicas;
    private Replicas.Session admin;

    @BeforeEach
    void start() {
        replicas = Replicas.demo(directory);
        admin = replicas.enroll(TestVoter.demo("admin"));
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

    private static String enrollmentKey(String voter, String code) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(EnrollmentCode.publicKey(voter, code).bytes());
    }

    @Test
    void createElectionOpensNowByDefaultWithNoCloseTimeOneChoiceAndItsKeyAskedFor() {
        replicas.startThreshold();
        JsonNode created = replicas.call(admin,
                "{'op':'createElection','title':'Lunch','options':['soup','salad','pie']}");
        assertThat(created.get("id").longValue()).isEqualTo(2);
        assertThat(created.get("title").textValue()).isEqualTo("Lunch");
        assertThat(created.get("options")).extracting(JsonNode::textValue).containsExactly("soup", "salad", "pie");
        assertThat(created.get("minChoices").intValue()).isEqualTo(1);
        assertThat(created.get("maxChoices").intValue()).isEqualTo(1);
        assertThat(created.get("opensAt").longValue()).as("the agreed time of its batch")
                .isEqualTo(replicas.lastTimeMillis());
        assertThat(created.get("closesAt").isNull()).isTrue();
        assertThat(created.get("state").textValue()).isEqualTo("open");
        assertThat(created.get("publicKey").isNull()).as("the replicas make it after this request").isTrue();
        replicas.settle("election 2's key", () -> replicas.ledger().key("election-2").isPresent());
        assertThat(replicas.read(admin, "{'op':'election','electionId':2}").get("publicKey").isTextual()).isTrue();
        assertThat(replicas.read(admin, "{'op':'listElections'}").get("elections"))
                .extracting(e -> e.get("id").longValue()).as("an admin sees every election, newest first")
                .containsExactly(2L, 1L);
    }

    @Test
    void createElectionTakesHowManyOptionsAVoterMayChoose() {
        JsonNode approval = replicas.call(admin, "{'op':'createElection','title':'Approve','options':['a','b','c'],"
                + "'minChoices':0,'maxChoices':3}");
        assertThat(approval.get("minChoices").intValue()).isZero();
        assertThat(approval.get("maxChoices").intValue()).isEqualTo(3);
        assertThat(error("{'op':'createElection','title':'T','options':['a','b'],'maxChoices':3}"))
                .isEqualTo("the choices must satisfy minChoices <= maxChoices <= 2 (the number of options), not 1..3");
        assertThat(error("{'op':'createElection','title':'T','options':['a','b'],'minChoices':2,'maxChoices':1}"))
                .isEqualTo("the choices must satisfy minChoices <= maxChoices <= 2 (the number of options), not 2..1");
        assertThat(error("{'op':'createElection','title':'T','options':['a','b'],'maxChoices':0}"))
                .isEqualTo("createElection needs \"maxChoices\": an integer in 1..20");
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
    void registerVoterCreatesAnAccountThatEnrollsWithItsCode() {
        String code = "ERIN-ERIN-ERIN-ERIN-ERIN";
        JsonNode registered = replicas.call(admin, "{'op':'registerVoter','voter':'erin','name':'Erin','role':'voter',"
                + "'enrollmentKey':'" + enrollmentKey("erin", code) + "'}");
        assertThat(registered.toString())
                .isEqualTo("{\"voter\":\"erin\",\"name\":\"Erin\",\"role\":\"voter\",\"enrolled\":false}");
        replicas.call(admin, "{'op':'addVoters','electionId':1,'voters':['erin']}");
        Replicas.Session erin = replicas.enroll(new TestVoter("erin", code, TestVoter.credential(5)));
        assertThat(replicas.call(erin, "{'op':'closeElection','electionId':1}").get("error").textValue())
                .isEqualTo("only an admin may closeElection");

        String key = enrollmentKey("frank", code);
        assertThat(error("{'op':'registerVoter','voter':'erin','name':'E','role':'voter','enrollmentKey':'" + key + "'}"))
                .isEqualTo("voter erin already exists");
        assertThat(error("{'op':'registerVoter','voter':'Frank Smith','name':'F','role':'voter','enrollmentKey':'"
                + key + "'}")).startsWith("a voter id has 1..64 lowercase letters");
        assertThat(error("{'op':'registerVoter','voter':'frank','name':'F','role':'root','enrollmentKey':'" + key + "'}"))
                .isEqualTo("role must be \"admin\" or \"voter\", not \"root\"");
        assertThat(error("{'op':'registerVoter','voter':'frank','name':'F','role':'voter','secret':'frank-secret'}"))
                .startsWith("registerVoter needs \"enrollmentKey\": an ECDSA P-256 public key");
        byte[] compressed = new byte[65];
        compressed[0] = 2;
        assertThat(error("{'op':'registerVoter','voter':'frank','name':'F','role':'voter','enrollmentKey':'"
                + Base64.getUrlEncoder().withoutPadding().encodeToString(compressed) + "'}"))
                .startsWith("registerVoter needs \"enrollmentKey\"")
                .endsWith("(not an uncompressed point (first byte 0x04))");
        assertThat(error("{'op':'resetCredential','voter':'zoe','enrollmentKey':'" + key + "'}"))
                .isEqualTo("unknown voter zoe");
    }

    @Test
    void listElectionsAndElectionSayTheCallersRole() {
        Replicas.Session alice = replicas.enroll(TestVoter.demo("alice"));
        assertThat(replicas.read(admin, "{'op':'listElections'}").get("role").textValue()).isEqualTo("admin");
        assertThat(replicas.read(alice, "{'op':'listElections'}").get("role").textValue()).isEqualTo("voter");
        assertThat(replicas.read(admin, "{'op':'election','electionId':1}").get("role").textValue()).isEqualTo("admin");
        assertThat(replicas.read(alice, "{'op':'election','electionId':1}").get("role").textValue()).isEqualTo("voter");
        assertThat(replicas.read(alice, "{'op':'listElections'}").get("elections").get(0).has("role"))
                .as("said once, at the top of the list").isFalse();
    }

    @Test
    void aSecondAdminCanRunElections() {
        String code = "GRAC-GRAC-GRAC-GRAC-GRAC";
        replicas.call(admin, "{'op':'registerVoter','voter':'grace','name':'Grace','role':'admin','enrollmentKey':'"
                + enrollmentKey("grace", code) + "'}");
        Replicas.Session grace = replicas.enroll(new TestVoter("grace", code, TestVoter.credential(6)));
        assertThat(replicas.read(grace, "{'op':'listElections'}").get("role").textValue())
                .as("the role, whatever the id: what a page shows admin controls by").isEqualTo("admin");
        JsonNode closed = replicas.call(grace, "{'op':'closeElection','electionId':1}");
        assertThat(closed.get("state").textValue()).isEqualTo("closed");
        assertThat(error("{'op':'closeElection','electionId':1}")).isEqualTo("election 1 is already closed");
    }
}
