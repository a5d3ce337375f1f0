package io.bastion.evoting;

import com.fasterxml.jackson.databind.JsonNode;
import io.bastion.threshold.FaultyThresholdAgent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whole elections through the threshold facility, in process: four replicas and their agents make
 * the election's key, take encrypted ballots, and at the close decrypt only the sum of the counted
 * ones; the results are the right counts, with the replicas whose shares made them.
 */
class ElectionTallyTest {
    private static final int[] LISBON = {1, 0, 0};
    private static final int[] KRAKOW = {0, 1, 0};
    private static final int[] TALLINN = {0, 0, 1};

    @TempDir
    Path directory;

    private Replicas replicas;

    @AfterEach
    void close() {
        replicas.close();
    }

    private static List<String> counts(JsonNode results) {
        List<String> counts = new java.util.ArrayList<>();
        results.get("results").forEach(r -> counts.add(r.get("option").textValue() + "=" + r.get("votes").longValue()));
        return counts;
    }

    /** The demo election: alice Lisbon, bob Tallinn then Lisbon, carol Tallinn, dave does not vote. */
    private JsonNode runDemoElection(Map<Integer, FaultyThresholdAgent.Fault> faults) {
        replicas = new Replicas(directory, Replicas.N, EvotingService::withDemoData, faults);
        Replicas.Session admin = replicas.enroll(TestVoter.demo("admin"));
        TestVoter alice = TestVoter.demo("alice");
        TestVoter bob = TestVoter.demo("bob");
        TestVoter carol = TestVoter.demo("carol");
        Replicas.Session a = replicas.enroll(alice);
        Replicas.Session b = replicas.enroll(bob);
        Replicas.Session c = replicas.enroll(carol);
        JsonNode election = replicas.awaitKey(a, 1);
        replicas.cast(a, 1, alice.ballot(election, LISBON, 1));
        replicas.cast(b, 1, bob.ballot(election, TALLINN, 2));
        replicas.cast(c, 1, carol.ballot(election, TALLINN, 3));
        replicas.cast(b, 1, bob.ballot(election, LISBON, 4));
        assertThat(replicas.ledger().result(1)).as("nothing is decrypted before the close").isEmpty();

        JsonNode closed = replicas.call(admin, "{'op':'closeElection','electionId':1}");
        assertThat(closed.get("state").textValue()).isEqualTo("closed");
        JsonNode tallying = replicas.read(c, "{'op':'results','electionId':1}");
        assertThat(tallying.get("tally").textValue()).isEqualTo("tallying");
        assertThat(tallying.has("results")).isFalse();
        JsonNode results = replicas.awaitResults(c, 1);
        assertThat(replicas.ledger().result(2)).as("one decryption only: the sums of the counted ballots").isEmpty();
        return results;
    }

    @Test
    void aWholeElectionGivesTheRightCountsDecryptedByTwoReplicas() {
        JsonNode results = runDemoElection(Map.of());
        assertThat(counts(results)).containsExactly("Lisbon=2", "Kraków=0", "Tallinn=1");
        assertThat(results.get("winner").textValue()).isEqualTo("Lisbon");
        assertThat(results.get("eligible").longValue()).isEqualTo(4);
        assertThat(results.get("voted").longValue()).isEqualTo(3);
        assertThat(results.get("decryptedBy")).hasSize(2);
        assertThat(results.get("faulty")).isEmpty();

        Replicas.Session dave = replicas.enroll(TestVoter.demo("dave"));
        JsonNode election = replicas.read(dave, "{'op':'election','electionId':1}");
        assertThat(replicas.cast(dave, 1, TestVoter.demo("dave").ballot(election, KRAKOW, 5)).get("error").textValue())
                .startsWith("election 1 is closed");
        assertThat(replicas.read(dave, "{'op':'results','electionId':1}")).as("final").isEqualTo(results);
    }

    @Test
    void aReplicaSendingBadDecryptionSharesIsNamedAndTheResultIsStillRight() {
        JsonNode results = runDemoElection(Map.of(3, FaultyThresholdAgent.Fault.BAD_SHARES));
        assertThat(counts(results)).containsExactly("Lisbon=2", "Kraków=0", "Tallinn=1");
        assertThat(results.get("decryptedBy")).extracting(JsonNode::intValue).hasSize(2).doesNotContain(3);
        assertThat(results.get("faulty")).hasSize(1);
        assertThat(results.get("faulty").get(0).get("replica").intValue()).isEqualTo(3);
        assertThat(results.get("faulty").get(0).get("reason").textValue()).contains("proof does not verify");
    }

    @Test
    void anApprovalElectionClosedByItsClockCountsEveryChoiceAndSaysATie() {
        replicas = Replicas.demo(directory);
        Replicas.Session admin = replicas.enroll(TestVoter.demo("admin"));
        long closesAt = Replicas.T0 + 3_600_000;
        long id = replicas.call(admin, "{'op':'createElection','title':'Snacks','options':['tea','cake','fruit'],"
                + "'minChoices':0,'maxChoices':3,'closesAt':" + closesAt + "}").get("id").longValue();
        replicas.call(admin, "{'op':'addVoters','electionId':" + id + ",'voters':['alice','bob','carol']}");
        JsonNode election = replicas.awaitKey(admin, id);
        int[][] choices = {{1, 1, 0}, {0, 1, 1}, {1, 0, 0}};
        String[] voters = {"alice", "bob", "carol"};
        for (int v = 0; v < voters.length; v++) {
            TestVoter voter = TestVoter.demo(voters[v]);
            replicas.cast(replicas.enroll(voter), id, voter.ballot(election, choices[v], 10 + v));
        }
        replicas.at(closesAt);
        JsonNode results = replicas.awaitResults(admin, id);
        assertThat(counts(results)).containsExactly("tea=2", "cake=2", "fruit=1");
        assertThat(results.has("winner")).isFalse();
        assertThat(results.get("tie")).extracting(JsonNode::textValue).containsExactly("tea", "cake");
    }

    @Test
    void anElectionWithoutBallotsNeedsNoDecryption() {
        replicas = Replicas.demo(directory);
        Replicas.Session admin = replicas.enroll(TestVoter.demo("admin"));
        replicas.call(admin, "{'op':'closeElection','electionId':1}");
        JsonNode results = replicas.read(admin, "{'op':'results','electionId':1}");
        assertThat(results.get("tally").textValue()).isEqualTo("done");
        assertThat(counts(results)).containsExactly("Lisbon=0", "Kraków=0", "Tallinn=0");
        assertThat(results.get("tie")).hasSize(3);
        assertThat(results.get("decryptedBy")).isEmpty();
    }
}
