package io.bastion.evoting;

import com.fasterxml.jackson.databind.JsonNode;
import io.bastion.evoting.ballot.BallotJson;
import io.bastion.evoting.ballot.EncryptedBallot;
import io.bastion.sql.SqlStateMachine;
import io.bastion.threshold.P256Group;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPrivateKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * After a whole election, what a replica's database file holds: no choice of any voter (nothing
 * but ciphertexts, and an option's name is never stored near a voter's id), no enrollment code, no
 * private key of a credential, an enrollment key or the election's threshold key. The file is what
 * a faulty replica, its disk or its backups would give away.
 */
class NoSecretsTest {
    @TempDir
    Path directory;

    @Test
    void noReplicasDatabaseHoldsAChoiceACodeOrAPrivateKey() throws Exception {
        Map<String, int[]> choices = Map.of("alice", new int[] {1, 0, 0}, "bob", new int[] {0, 1, 0},
                "carol", new int[] {0, 0, 1}, "dave", new int[] {0, 1, 0});
        List<TestVoter> voters = new ArrayList<>();
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
            }
            replicas.call(admin, "{'op':'closeElection','electionId':1}");
            JsonNode results = replicas.awaitResults(admin, 1);
            assertThat(results.get("results")).extracting(r -> r.get("votes").longValue()).containsExactly(1L, 2L, 1L);

            List<BigInteger> shares = new ArrayList<>();
            int epoch = replicas.ledger().key("election-1").orElseThrow().epoch();
            for (int r = 0; r < Replicas.N; r++) {
                replicas.store(r).share("election-1", epoch).ifPresent(shares::add);
            }
            assertThat(shares).as("the agents hold shares, outside the database").hasSizeGreaterThanOrEqualTo(3);

            for (SqlStateMachine replica : replicas.machines()) {
                String file = new String(Files.readAllBytes(replica.databaseFile()), StandardCharsets.ISO_8859_1);
                for (TestVoter voter : voters) {
                    for (String form : List.of(voter.code(), EnrollmentCode.normalize(voter.code()))) {
                        assertThat(file).as("the enrollment code of " + voter.id()).doesNotContain(form);
                    }
                    assertThat(file).as("the credential's private key of " + voter.id())
                            .doesNotContain(scalar(((ECPrivateKey) voter.credential().getPrivate()).getS()));
                    assertThat(file).as("the enrollment private key of " + voter.id()).doesNotContain(
                            scalar(((ECPrivateKey) voter.enrollmentKey().getPrivate()).getS()));
                    assertThat(file).as("the credential's public key, which is public").contains(
                            new String(voter.credentialKey().bytes(), StandardCharsets.ISO_8859_1));
                }
                for (BigInteger share : shares) {
                    assertThat(file).as("a threshold key share").doesNotContain(scalar(share));
                }
                for (String id : choices.keySet()) {
                    for (String option : DemoData.OPTIONS) {
                        assertThat(near(file, id, option, 256)).as(id + " near " + option).isFalse();
                    }
                }
                assertThat(columns(replica)).as("the ballot table holds no choice")
                        .containsExactly("id", "election_id", "number", "voter_id", "credential", "tracker", "ballot",
                                "cast_at", "cast_seq", "counted");
            }
        }
    }

    /** A 32-byte big-endian scalar, as the file would hold it. */
    private static String scalar(BigInteger value) {
        byte[] bytes = P256Group.INSTANCE.encodeScalar(value);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /** Whether {@code a} and {@code b} occur within {@code distance} bytes of each other. */
    private static boolean near(String file, String a, String b, int distance) {
        for (int i = file.indexOf(a); i >= 0; i = file.indexOf(a, i + 1)) {
            int from = Math.max(0, i - distance);
            int to = Math.min(file.length(), i + a.length() + distance);
            if (file.substring(from, to).contains(b)) {
                return true;
            }
        }
        return false;
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
