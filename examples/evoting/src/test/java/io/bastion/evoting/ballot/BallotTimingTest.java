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
 * How long building and verifying a 3-option, 1..1 ballot take, printed, wall clock and this
 * thread's CPU time; not a benchmark (no isolation: other work on the machine counts, CPU time
 * less so). Runs with {@code -Dbastion.long=true}.
 */
@EnabledIfSystemProperty(named = "bastion.long", matches = "true")
class BallotTimingTest {
    @Test
    void timeBuildingAndVerifying() {
        SecureRandom random = BallotFixtures.seeded(40);
        Election election = Election.random(3, 3, 1, 1, random);
        BallotVerifier verifier = election.verifier();
        Voter voter = Voter.random(random);
        for (int round = 0; round < 6; round++) {
            int n = 200;
            List<EncryptedBallot> ballots = new ArrayList<>(n);
            ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
            long start = System.nanoTime();
            long startCpu = cpu.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                int[] choices = new int[3];
                choices[i % 3] = 1;
                ballots.add(voter.cast(election.parameters(), choices, random));
            }
            long built = System.nanoTime();
            long builtCpu = cpu.getCurrentThreadCpuTime();
            List<String> jsons = ballots.stream().map(BallotJson::write).toList();
            long parsedStart = System.nanoTime();
            long parsedStartCpu = cpu.getCurrentThreadCpuTime();
            for (String json : jsons) {
                assertThat(verifier.verify(BallotJson.parse(json))).isNull();
            }
            long verified = System.nanoTime();
            long verifiedCpu = cpu.getCurrentThreadCpuTime();
            System.out.printf("round %d: build %.2f ms/ballot (%.2f ms CPU), parse+verify %.2f ms/ballot (%.2f ms CPU)%n",
                    round, (built - start) / 1e6 / n, (builtCpu - startCpu) / 1e6 / n, (verified - parsedStart) / 1e6 / n,
                    (verifiedCpu - parsedStartCpu) / 1e6 / n);
        }
    }
}
