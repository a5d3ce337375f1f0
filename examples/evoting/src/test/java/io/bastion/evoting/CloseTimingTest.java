package io.bastion.evoting;

import io.bastion.evoting.ballot.BallotBuilder;
import io.bastion.evoting.ballot.BallotJson;
import io.bastion.evoting.ballot.BallotParameters;
import io.bastion.evoting.ballot.Credential;
import io.bastion.evoting.ballot.EncryptedBallot;
import io.bastion.evoting.ballot.Tally;
import io.bastion.sql.determinism.SqliteDatabase;
import io.bastion.sql.determinism.SqliteSettings;
import io.bastion.threshold.ElGamal;
import io.bastion.threshold.Element;
import io.bastion.threshold.P256Group;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECPoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A measuring harness, not part of the suite: how long beginning the tally of an election with
 * 100,000 counted ballots takes, the way it was done before the running sums (read and parse every
 * counted ballot, then add them up: {@link Ballots#counted} and {@link Tally#sum}) and the way it is
 * done now (read the stored sums: {@link CountedSums#of}, and count the counted ballots), and what
 * keeping the sums adds to each cast. On a database file opened with the replicas' SQLite settings
 * (durable). Prints this thread's CPU time and the wall clock. Not a benchmark: the machine's other
 * work counts. Runs with {@code -Dbastion.long=true} (and {@code -Dbastion.closeTiming.ballots=N}).
 *
 * <p>The ballot rows are written directly, not through {@code castBallot} (which would verify and
 * count the box at each cast, and take a voter's scrypt-derived enrollment each): 500 ballots built
 * for real, whose ciphertexts and proofs are stored 200 times each, every row under its own voter's
 * credential (so its own tracker) and a random signature, and the old tally parses every one. Each row's sums are updated by the real
 * {@link CountedSums#replace}, timed.
 */
@EnabledIfSystemProperty(named = "bastion.long", matches = "true")
class CloseTimingTest {
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    private static final P256Group GROUP = P256Group.INSTANCE;
    private static final int DISTINCT_BALLOTS = 500;
    private static final int OPTIONS = 3;

    @TempDir
    Path directory;

    @Test
    void timeBeginningTheTallyBeforeAndAfterTheRunningSums() throws Exception {
        int ballots = Integer.getInteger("bastion.closeTiming.ballots", 100_000);
        SecureRandom random = TestVoter.seeded(77);
        BigInteger secret = GROUP.randomScalar(random);
        Path file = directory.resolve("timing.db");
        try (SqliteDatabase sqlite = SqliteSettings.open(file, true)) {
            Connection c = sqlite.connection();
            Schema.create(c);
            Schema.createAdmin(c, TestVoter.demo("admin").credentialKey());
            long election = Elections.create(c, "Timing", List.of("a", "b", "c"), 1, 1, 0, null, Schema.ADMIN_ID, 0);
            BallotParameters parameters = new BallotParameters(election, OPTIONS, 1, 1, GROUP.base(secret));
            KeyPair credential = TestVoter.credential(78);
            List<EncryptedBallot> distinct = new ArrayList<>();
            List<int[]> distinctChoices = new ArrayList<>();
            for (int i = 0; i < DISTINCT_BALLOTS; i++) {
                int[] choices = new int[OPTIONS];
                choices[random.nextInt(OPTIONS)] = 1;
                distinct.add(BallotBuilder.build(parameters, choices, credential, random));
                distinctChoices.add(choices);
            }
            long[] expected = new long[OPTIONS];
            long sumsNanos = 0;
            byte[] enrollmentKey = TestVoter.demo("alice").credentialKey().bytes();
            X9ECParameters p256 = CustomNamedCurves.getByName("secp256r1");
            ECPoint voterPoint = p256.getG(); // each voter's credential: the next multiple of G, cheap to make
            try (PreparedStatement voter = c.prepareStatement(
                    "INSERT INTO voter (id, name, role, enrollment_key) VALUES (?, ?, 'voter', ?)");
                 PreparedStatement eligible = c.prepareStatement(
                         "INSERT INTO eligibility (election_id, voter_id) VALUES (?, ?)");
                 PreparedStatement insert = c.prepareStatement("INSERT INTO ballot (election_id, number, voter_id,"
                         + " credential, tracker, ballot, cast_at, cast_seq, counted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)")) {
                for (int i = 0; i < ballots; i++) {
                    String id = "v" + i;
                    voter.setString(1, id);
                    voter.setString(2, id);
                    voter.setBytes(3, enrollmentKey);
                    voter.executeUpdate();
                    eligible.setLong(1, election);
                    eligible.setString(2, id);
                    eligible.executeUpdate();
                    byte[] signature = new byte[Credential.SIGNATURE_BYTES];
                    random.nextBytes(signature);
                    voterPoint = voterPoint.add(p256.getG()).normalize();
                    EncryptedBallot base = distinct.get(i % DISTINCT_BALLOTS);
                    EncryptedBallot ballot = new EncryptedBallot(election, Credential.decode(voterPoint.getEncoded(false)),
                            base.choices(), base.overall(), signature);
                    insert.setLong(1, election);
                    insert.setLong(2, i + 1);
                    insert.setString(3, id);
                    insert.setBytes(4, ballot.credential().bytes());
                    insert.setString(5, ballot.tracker().hex());
                    insert.setString(6, BallotJson.write(ballot));
                    insert.setLong(7, i);
                    insert.setLong(8, i);
                    insert.executeUpdate();
                    long start = System.nanoTime();
                    CountedSums.replace(c, election, ballot, null);
                    sumsNanos += System.nanoTime() - start;
                    for (int j = 0; j < OPTIONS; j++) {
                        expected[j] += distinctChoices.get(i % DISTINCT_BALLOTS)[j];
                    }
                    if (i % 10_000 == 9_999) {
                        c.commit();
                    }
                }
            }
            c.commit();
            System.out.printf("%,d counted ballots, database %,d bytes; keeping the sums: %.3f ms a cast (wall)%n",
                    ballots, Files.size(file), sumsNanos / 1e6 / ballots);

            List<ElGamal.Ciphertext> before = null;
            List<ElGamal.Ciphertext> after = null;
            for (int round = 0; round < 2; round++) {
                long cpu = CPU.getCurrentThreadCpuTime();
                long wall = System.nanoTime();
                List<EncryptedBallot> counted = Ballots.counted(c, election);
                before = Tally.sum(OPTIONS, counted);
                System.out.printf("before: read, parse and add %,d ballots: %.1f ms CPU, %.1f ms wall%n", counted.size(),
                        (CPU.getCurrentThreadCpuTime() - cpu) / 1e6, (System.nanoTime() - wall) / 1e6);
                c.rollback();
                cpu = CPU.getCurrentThreadCpuTime();
                wall = System.nanoTime();
                long voted = Ballots.voted(c, election);
                after = CountedSums.of(c, election);
                System.out.printf("after: count %,d ballots and read the stored sums: %.2f ms CPU, %.2f ms wall%n",
                        voted, (CPU.getCurrentThreadCpuTime() - cpu) / 1e6, (System.nanoTime() - wall) / 1e6);
                c.rollback();
            }
            assertThat(after).as("the stored sums are the sum of the counted ballots").isEqualTo(before);
            List<Long> counts = new ArrayList<>();
            for (long count : expected) {
                counts.add(count);
            }
            List<Element> plaintexts = after.stream().map(sum -> ElGamal.decrypt(secret, sum)).toList();
            assertThat(Tally.check(plaintexts, counts)).isNull();

            long wall = System.nanoTime();
            EncryptedBallot again = distinct.get(1);
            Ballots.cast(c, election, "v0", again, ballots, ballots);
            System.out.printf("a re-vote at %,d ballots (Ballots.cast: store it, number it after the box's last,"
                    + " add it to the sums and take the replaced one out): %.2f ms wall, one cold sample%n", ballots,
                    (System.nanoTime() - wall) / 1e6);
            c.rollback();
        }
    }
}
