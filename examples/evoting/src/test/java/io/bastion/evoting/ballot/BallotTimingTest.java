package io.bastion.evoting.ballot;

import io.bastion.evoting.ballot.BallotFixtures.Election;
import io.bastion.evoting.ballot.BallotFixtures.Voter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How long building and verifying a 3-option, 1..1 ballot take, printed; not a benchmark (no
 * isolation, other work on the machine counts). Runs with {@code -Dbastion.long=true}.
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
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                int[] choices = new int[3];
                choices[i % 3] = 1;
                ballots.add(voter.cast(election.parameters(), choices, random));
            }
            long built = System.nanoTime();
            List<String> jsons = ballots.stream().map(BallotJson::write).toList();
            long parsedStart = System.nanoTime();
            for (String json : jsons) {
                assertThat(verifier.verify(BallotJson.parse(json))).isNull();
            }
            long verified = System.nanoTime();
            System.out.printf("round %d: build %.2f ms/ballot, parse+verify %.2f ms/ballot%n", round,
                    (built - start) / 1e6 / n, (verified - parsedStart) / 1e6 / n);
        }
    }
}
