package io.bastion.evoting;

import io.bastion.core.crypto.Digest;
import io.bastion.core.message.Request;
import io.bastion.sql.SqlStateMachine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DeterminismTest {
    @TempDir
    Path directory;

    @Test
    void fourReplicasGivenTheSameBatchesAnswerAlikeAndHoldByteIdenticalDatabases() throws Exception {
        try (Replicas replicas = Replicas.demo(directory)) { // every reply is compared across the four as it comes
            Replicas.Session admin = replicas.signIn("admin", "admin-demo");
            List<Replicas.Session> voters = new ArrayList<>();
            for (String voter : Schema.DEMO_VOTERS) {
                voters.add(replicas.signIn(voter, voter + "-demo"));
            }
            replicas.join("{'voter':'alice','secret':'wrong-secret'}");
            replicas.call(admin, "{'op':'registerVoter','voter':'erin','name':'Erin','secret':'erin-secret',"
                    + "'role':'voter'}");
            long second = replicas.call(admin, "{'op':'createElection','title':'Mascot','options':['owl','fox'],"
                    + "'closesAt':" + (Replicas.T0 + 3_600_000) + "}").get("id").longValue();
            replicas.call(admin, "{'op':'addVoters','electionId':" + second + ",'voters':['alice','bob','erin']}");
            String[] options = {"Lisbon", "Kraków", "Tallinn", "Paris"};
            for (int round = 0; round < 3; round++) {
                List<io.bastion.core.message.Envelope<Request>> batch = new ArrayList<>();
                for (int v = 0; v < voters.size(); v++) {
                    String option = options[(v + round) % options.length]; // "Paris" is refused
                    batch.add(replicas.request(voters.get(v), Request.Kind.WRITE,
                            "{'op':'castBallot','electionId':1,'option':'" + option + "'}"));
                    batch.add(replicas.request(voters.get(v), Request.Kind.WRITE,
                            "{'op':'castBallot','electionId':" + second + ",'option':'"
                                    + (round % 2 == 0 ? "owl" : "fox") + "'}"));
                }
                replicas.order(batch);
            }
            replicas.call(admin, "{'op':'closeElection','electionId':1}");
            replicas.read(voters.get(0), "{'op':'results','electionId':1}");
            replicas.at(Replicas.T0 + 3_600_000);
            replicas.read(voters.get(1), "{'op':'results','electionId':" + second + "}");
            replicas.call(voters.get(2), "{'op':'listElections'}");

            Digest expected = Digest.sha256(Files.readAllBytes(replicas.machines().get(0).databaseFile()));
            for (SqlStateMachine replica : replicas.machines()) {
                assertThat(Digest.sha256(Files.readAllBytes(replica.databaseFile()))).isEqualTo(expected);
            }
        }
    }
}
