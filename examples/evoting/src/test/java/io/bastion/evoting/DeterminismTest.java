package io.bastion.evoting;

import com.fasterxml.jackson.databind.JsonNode;
import io.bastion.core.crypto.Digest;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.Request;
import io.bastion.sql.SqlStateMachine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DeterminismTest {
    @TempDir
    Path directory;

    @Test
    void fourReplicasGivenTheSameBatchesAnswerAlikeAndHoldByteIdenticalDatabases() throws Exception {
        try (Replicas replicas = Replicas.demo(directory)) { // every reply is compared across the four as it comes
            Replicas.Session admin = replicas.enroll(TestVoter.demo("admin"));
            List<TestVoter> voters = new ArrayList<>();
            List<Replicas.Session> sessions = new ArrayList<>();
            for (DemoData.Account account : DemoData.VOTERS) {
                TestVoter voter = TestVoter.demo(account.voter());
                voters.add(voter);
                sessions.add(replicas.enroll(voter));
            }
            replicas.join(JoinCredentials.signIn("alice", TestVoter.credential(1), Replicas.sessionKey(1))); // refused
            String erinCode = "ERIN-ERIN-ERIN-ERIN-ERIN";
            replicas.call(admin, "{'op':'registerVoter','voter':'erin','name':'Erin','role':'voter','enrollmentKey':'"
                    + Base64.getUrlEncoder().withoutPadding().encodeToString(
                    EnrollmentCode.publicKey("erin", erinCode).bytes()) + "'}");
            TestVoter erin = new TestVoter("erin", erinCode, TestVoter.credential(7));
            voters.add(erin);
            sessions.add(replicas.enroll(erin));
            long second = replicas.call(admin, "{'op':'createElection','title':'Mascot','options':['owl','fox'],"
                    + "'closesAt':" + (Replicas.T0 + 3_600_000) + "}").get("id").longValue();
            replicas.call(admin, "{'op':'addVoters','electionId':" + second + ",'voters':['alice','bob','erin']}");
            JsonNode first = replicas.awaitKey(admin, 1);
            JsonNode mascot = replicas.awaitKey(admin, second);
            int[][] demoChoices = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
            for (int round = 0; round < 3; round++) {
                List<Envelope<Request>> batch = new ArrayList<>();
                for (int v = 0; v < voters.size(); v++) {
                    long seed = 1000L * round + v;
                    batch.add(replicas.castRequest(sessions.get(v), 1, // erin is not eligible: refused
                            voters.get(v).ballot(first, demoChoices[(v + round) % 3], seed)));
                    batch.add(replicas.castRequest(sessions.get(v), second, // carol and dave are not: refused
                            voters.get(v).ballot(mascot, round % 2 == 0 ? new int[] {1, 0} : new int[] {0, 1}, seed)));
                }
                replicas.order(batch);
            }
            replicas.call(admin, "{'op':'closeElection','electionId':1}");
            replicas.awaitResults(sessions.get(0), 1);
            replicas.at(Replicas.T0 + 3_600_000);
            replicas.awaitResults(sessions.get(1), second);
            replicas.call(sessions.get(2), "{'op':'listElections'}");

            Digest expected = Digest.sha256(Files.readAllBytes(replicas.machines().get(0).databaseFile()));
            for (SqlStateMachine replica : replicas.machines()) {
                assertThat(Digest.sha256(Files.readAllBytes(replica.databaseFile()))).isEqualTo(expected);
            }
        }
    }
}
