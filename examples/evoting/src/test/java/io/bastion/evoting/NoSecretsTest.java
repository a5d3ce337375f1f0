package io.bastion.evoting;

import com.fasterxml.jackson.databind.JsonNode;
import io.bastion.evoting.ballot.BallotJson;
import io.bastion.evoting.ballot.BallotRandomness;
import io.bastion.evoting.ballot.EncryptedBallot;
import io.bastion.sql.SqlStateMachine;
import io.bastion.threshold.P256Group;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * After a whole election, what a replica's database file holds: no choice of any voter (nothing
 * but ciphertexts, and an option's name is never stored near a voter's id), no enrollment code, no
 * private key of a credential, an enrollment key or the election's threshold key, no ballot's
 * randomness ({@link SecretScan}, in raw, base64 and hex forms). The file is what a faulty replica,
 * its disk or its backups would give away. bastion-cli's {@code EvotingSecretsProcessTest} looks
 * through every file of real replica processes the same way.
 */
class NoSecretsTest {
    @TempDir
    Path directory;

    @Test
    void noReplicasDatabaseHoldsAChoiceACodeOrAPrivateKey() throws Exception {
        Map<String, int[]> choices = Map.of("alice", new int[] {1, 0, 0}, "bob", new int[] {0, 1, 0},
                "carol", new int[] {0, 0, 1}, "dave", new int[] {0, 1, 0});
        List<TestVoter> voters = new ArrayList<>();
        Map<String, BallotRandomness> randomness = new java.util.HashMap<>();
        try (Replicas replicas = Replicas.demo(directory)) {
            TestVoter adminVoter = TestVoter.demo("admin");
            voters.add(adminVoter);
            Replicas.Session admin = replicas.enroll(adminVoter);
            JsonNode election = null;
            for (String id : List.of("alice", "bob", "carol", "dave")) {
                TestVoter voter = TestVoter.demo(id);
                voters.add(voter);
                Replicas.Session session = replicas.enroll(voter);
                if (election == null) {
                    election = replicas.awaitKey(session, 1);
                }
                EncryptedBallot ballot = voter.build(election, choices.get(id), id.hashCode());
                replicas.cast(session, 1, BallotJson.toNode(ballot));
                // the builder draws the ballot's randomness first: the same seed draws it again here
                BallotRandomness drawn = BallotRandomness.draw(TestVoter.parameters(election), TestVoter.seeded(id.hashCode()));
                for (int j = 0; j < ballot.choices().size(); j++) {
                    assertThat(P256Group.INSTANCE.base(drawn.options().get(j).r())).as("the ballot's own r_j")
                            .isEqualTo(ballot.choices().get(j).alpha());
                }
                randomness.put(id, drawn);
            }
            replicas.call(admin, "{'op':'closeElection','electionId':1}");
            JsonNode results = replicas.awaitResults(admin, 1);
            assertThat(results.get("results")).extracting(r -> r.get("votes").longValue()).containsExactly(1L, 2L, 1L);

            List<SecretScan.Secret> secrets = new ArrayList<>();
            for (TestVoter voter : voters) {
                secrets.addAll(SecretScan.voter(voter.id(), voter.code(), voter.credential()));
            }
            randomness.forEach((id, drawn) -> secrets.addAll(SecretScan.ballot("the ballot of " + id, drawn)));
            List<BigInteger> shares = new ArrayList<>();
            int epoch = replicas.ledger().key("election-1").orElseThrow().epoch();
            for (int r = 0; r < Replicas.N; r++) {
                replicas.store(r).share("election-1", epoch).ifPresent(shares::add);
            }
            assertThat(shares).as("the agents hold shares, outside the database").hasSizeGreaterThanOrEqualTo(3);

            for (SqlStateMachine replica : replicas.machines()) {
                String file = new String(Files.readAllBytes(replica.databaseFile()), StandardCharsets.ISO_8859_1);
                assertThat(SecretScan.findings(replica.databaseFile(), secrets))
                        .as("codes, private keys, ballots' randomness, plaintext choices, in every form").isEmpty();
                for (TestVoter voter : voters) {
                    assertThat(file).as("the credential's public key, which is public").contains(
                            new String(voter.credentialKey().bytes(), StandardCharsets.ISO_8859_1));
                }
                for (BigInteger share : shares) {
                    assertThat(file).as("a threshold key share").doesNotContain(SecretScan.scalar(share));
                }
                for (String id : choices.keySet()) {
                    for (String option : DemoData.OPTIONS) {
                        assertThat(SecretScan.near(file, id, option, 256)).as(id + " near " + option).isFalse();
                    }
                }
                assertThat(columns(replica)).as("the ballot table holds no choice")
                        .containsExactly("id", "election_id", "number", "voter_id", "credential", "tracker", "ballot",
                                "cast_at", "cast_seq", "counted");
            }
        }
    }

    private static List<String> columns(SqlStateMachine replica) throws Exception {
        List<String> names = new ArrayList<>();
        try (var s = replica.connectionForReading().createStatement();
             var rs = s.executeQuery("SELECT name FROM pragma_table_info('ballot') ORDER BY cid")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        replica.connectionForReading().rollback();
        return names;
    }
}
