package io.bastion.evoting.ballot;

import io.bastion.evoting.ballot.BallotFixtures.Election;
import io.bastion.evoting.ballot.BallotFixtures.Voter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How long building and verifying a 3-option, 1..1 ballot take, printed as this thread's CPU time
 * (and wall clock for the whole verification): building; reading the JSON; verifying as replicas
 * do (the proofs' equations in one weighted sum); and, for comparison, verifying each proof alone,
 * two products per branch, which is what the format of version 1 forced. Not a benchmark (no
 * isolation: other work on the machine counts, CPU time less so). Runs with {@code -Dbastion.long=true}.
 */
@EnabledIfSystemProperty(named = "bastion.long", matches = "true")
class BallotTimingTest {
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    @Test
    void timeBuildingAndVerifying() {
        SecureRandom random = BallotFixtures.seeded(40);
        Election election = Election.random(3, 3, 1, 1, random);
        BallotParameters parameters = election.parameters();
        BallotVerifier verifier = election.verifier();
        Voter voter = Voter.random(random);
        for (int round = 0; round < 8; round++) {
            int n = 200;
            List<EncryptedBallot> ballots = new ArrayList<>(n);
            long start = CPU.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                int[] choices = new int[3];
                choices[i % 3] = 1;
                ballots.add(voter.cast(parameters, choices, random));
            }
            long built = CPU.getCurrentThreadCpuTime();
            List<String> jsons = ballots.stream().map(BallotJson::write).toList();
            long parseStart = CPU.getCurrentThreadCpuTime();
            List<EncryptedBallot> parsed = jsons.stream().map(BallotJson::parse).toList();
            long parsedAt = CPU.getCurrentThreadCpuTime();
            long wall = System.nanoTime();
            for (EncryptedBallot ballot : parsed) {
                assertThat(verifier.verify(ballot)).isNull();
            }
            long verified = CPU.getCurrentThreadCpuTime();
            wall = System.nanoTime() - wall;
            for (EncryptedBallot ballot : parsed) {
                assertThat(eachProofAlone(parameters, ballot)).isTrue();
            }
            long aloneAt = CPU.getCurrentThreadCpuTime();
            System.out.printf("round %d, ms of CPU per ballot: build %.2f, parse %.3f, verify %.3f (wall %.3f),"
                            + " verify each proof alone %.3f%n", round, (built - start) / 1e6 / n,
                    (parsedAt - parseStart) / 1e6 / n, (verified - parsedAt) / 1e6 / n, wall / 1e6 / n,
                    (aloneAt - verified) / 1e6 / n);
        }
    }

    /** The signature, then every proof on its own with its exact equations: the work of version 1's verifier. */
    private static boolean eachProofAlone(BallotParameters parameters, EncryptedBallot ballot) {
        if (!ballot.credential().verifies(ballot.bytes(), ballot.signature())) {
            return false;
        }
        for (int p = 0; p <= parameters.options(); p++) {
            DisjunctiveProof proof = p == parameters.options() ? ballot.overall() : ballot.choices().get(p).proof();
            if (!proof.verifies(Forgeries.statement(parameters, ballot, p))) {
                return false;
            }
        }
        return true;
    }
}
