package io.bastion.evoting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.Request;
import io.bastion.evoting.ballot.BallotBuilder;
import io.bastion.evoting.ballot.BallotParameters;
import io.bastion.evoting.ballot.EncryptedBallot;
import io.bastion.evoting.ballot.Tally;
import io.bastion.sql.SqlStateMachine;
import io.bastion.threshold.ElGamal;
import io.bastion.threshold.Element;
import io.bastion.threshold.P256Group;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The running sums casting keeps ({@link CountedSums}) are, after every cast and re-vote, exactly the
 * homomorphic sum of the counted ballots ({@link Tally#sum} over {@link Ballots#counted}), and what
 * they decrypt to is each option's count of the voters' last choices.
 */
class CountedSumsTest {
    private static final P256Group GROUP = P256Group.INSTANCE;
    private static final int VOTERS = 6;
    private static final int CASTS = 40;

    @TempDir
    Path directory;

    /**
     * Seeded runs against a reference: random election shapes, random voters casting and re-casting
     * random valid choices straight into the ballot box. The failure message names the seed and the
     * cast; rerun that seed alone to reproduce.
     */
    @Test
    void afterEveryCastAndReVoteTheRunningSumsAreTheSumOfTheCountedBallots() throws Exception {
        for (long seed = 1; seed <= 5; seed++) {
            checkSeed(seed);
        }
    }

    private static void checkSeed(long seed) throws Exception {
        SecureRandom random = TestVoter.seeded(seed);
        int options = 2 + random.nextInt(4);
        int min = random.nextInt(options + 1);
        int max = min + random.nextInt(options - min + 1);
        if (max == 0) {
            max = 1;
        }
        BigInteger secret = GROUP.randomScalar(random);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:")) {
            Schema.create(c);
            List<String> labels = new ArrayList<>();
            for (int j = 0; j < options; j++) {
                labels.add("option " + j);
            }
            Schema.createAdmin(c, TestVoter.demo("admin").credentialKey());
            long election = Elections.create(c, "Seed " + seed, labels, min, max, 0, null, Schema.ADMIN_ID, 0);
            BallotParameters parameters = new BallotParameters(election, options, min, max, GROUP.base(secret));
            List<String> voters = new ArrayList<>();
            Map<String, KeyPair> credentials = new HashMap<>();
            for (int v = 0; v < VOTERS; v++) {
                String id = "voter-" + v;
                credentials.put(id, TestVoter.credential(seed * 100 + v));
                Voters.register(c, id, "Voter " + v, Role.VOTER, TestVoter.demo("alice").credentialKey());
                voters.add(id);
            }
            Elections.addEligible(c, election, voters);
            assertThat(CountedSums.of(c, election)).as("seed %d: no ballot yet", seed)
                    .isEqualTo(Tally.sum(options, List.of()));

            Map<String, int[]> lastChoices = new HashMap<>();
            int replaced = 0;
            for (int cast = 0; cast < CASTS; cast++) {
                String voter = voters.get(random.nextInt(VOTERS));
                int[] choices = randomChoices(options, min, max, random);
                EncryptedBallot ballot = BallotBuilder.build(parameters, choices, credentials.get(voter), random);
                if (Ballots.cast(c, election, voter, ballot, cast, cast).replaced()) {
                    replaced++;
                }
                lastChoices.put(voter, choices);
                assertThat(CountedSums.of(c, election)).as("seed %d, after cast %d", seed, cast)
                        .isEqualTo(Tally.sum(options, Ballots.counted(c, election)));
            }
            assertThat(replaced).as("seed %d: re-votes happened", seed).isGreaterThan(CASTS / 2);

            long[] expected = new long[options];
            lastChoices.values().forEach(choices -> {
                for (int j = 0; j < options; j++) {
                    expected[j] += choices[j];
                }
            });
            List<Element> plaintexts = CountedSums.of(c, election).stream()
                    .map(sum -> ElGamal.decrypt(secret, sum)).toList();
            List<Long> counts = new ArrayList<>();
            for (long count : expected) {
                counts.add(count);
            }
            assertThat(Tally.counts(plaintexts, lastChoices.size())).as("seed %d: the last choices' counts", seed)
                    .contains(counts);
        }
    }

    /** Between min and max distinct options, marked 1. */
    private static int[] randomChoices(int options, int min, int max, SecureRandom random) {
        int chosen = min + random.nextInt(max - min + 1);
        List<Integer> order = new ArrayList<>();
        for (int j = 0; j < options; j++) {
            order.add(j);
        }
        java.util.Collections.shuffle(order, random);
        int[] choices = new int[options];
        for (int i = 0; i < chosen; i++) {
            choices[order.get(i)] = 1;
        }
        return choices;
    }

    /**
     * Through the service at four replicas: casts and re-votes in shared batches, some refused; at
     * every replica the stored sums are the sum of the counted ballots, and the tally, which decrypts
     * them, gives the counts of the voters' last ballots.
     */
    @Test
    void theReplicasSumsMatchTheirCountedBallotsAndDecryptToTheLastChoices() throws Exception {
        int[][] choices = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
        try (Replicas replicas = Replicas.demo(directory)) {
            Replicas.Session admin = replicas.enroll(TestVoter.demo("admin"));
            List<TestVoter> voters = new ArrayList<>();
            List<Replicas.Session> sessions = new ArrayList<>();
            for (DemoData.Account account : DemoData.VOTERS) {
                TestVoter voter = TestVoter.demo(account.voter());
                voters.add(voter);
                sessions.add(replicas.enroll(voter));
            }
            JsonNode election = replicas.awaitKey(admin, 1);
            long[] expected = new long[3];
            int[] last = new int[voters.size()];
            for (int round = 0; round < 4; round++) {
                List<Envelope<Request>> batch = new ArrayList<>();
                for (int v = 0; v < voters.size(); v++) {
                    if (v == round) {
                        continue; // one voter sits out each round: the counted ballots differ in age
                    }
                    last[v] = (v + round) % 3;
                    batch.add(replicas.castRequest(sessions.get(v), 1,
                            voters.get(v).ballot(election, choices[last[v]], 100L * round + v)));
                }
                ObjectNode otherElection = (ObjectNode) voters.get(0).ballot(election, choices[0], 999L + round);
                otherElection.put("electionId", 2); // refused: the sums must not change
                batch.add(replicas.castRequest(sessions.get(0), 1, otherElection));
                replicas.order(batch);
                for (SqlStateMachine replica : replicas.machines()) {
                    Connection c = replica.connectionForReading();
                    try {
                        assertThat(CountedSums.of(c, 1)).as("round %d", round)
                                .isEqualTo(Tally.sum(3, Ballots.counted(c, 1)));
                    } finally {
                        c.rollback();
                    }
                }
            }
            for (int choice : last) {
                expected[choice]++;
            }
            replicas.call(admin, "{'op':'closeElection','electionId':1}");
            JsonNode results = replicas.awaitResults(admin, 1);
            assertThat(results.get("results")).extracting(r -> r.get("votes").longValue())
                    .containsExactly(expected[0], expected[1], expected[2]);
            assertThat(results.get("voted").longValue()).isEqualTo(voters.size());
        }
    }
}
