package io.bastion.evoting.ballot;

import io.bastion.evoting.ballot.BallotFixtures.Election;
import io.bastion.evoting.ballot.BallotFixtures.Voter;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many ballots checked at once ({@link BallotVerifier#verifyAll}), as an election record's verifier
 * does: honest ones pass in one multi-scalar multiplication, and among them every bad one is named
 * with the refusal {@link BallotVerifier#verify} gives it, including false proofs whose challenges
 * add up and errors that cancel in an unweighted sum.
 */
class BallotBatchTest {
    private static final int BALLOTS = 24;

    private static List<EncryptedBallot> honest(Election election, List<Voter> voters, SecureRandom random) {
        List<EncryptedBallot> ballots = new ArrayList<>();
        for (Voter voter : voters) {
            ballots.add(voter.cast(election.parameters(), BallotFixtures.randomChoices(election.parameters(), random),
                    random));
        }
        return ballots;
    }

    @Test
    void honestBallotsAllPassTogether() {
        SecureRandom random = BallotFixtures.seeded(71);
        Election election = Election.random(5, 4, 0, 2, random);
        List<Voter> voters = new ArrayList<>();
        for (int i = 0; i < BALLOTS; i++) {
            voters.add(Voter.random(random));
        }
        List<String> verdicts = election.verifier().verifyAll(honest(election, voters, random), new SecureRandom());
        assertThat(verdicts).hasSize(BALLOTS).containsOnlyNulls();
        assertThat(election.verifier().verifyAll(List.of(), new SecureRandom())).isEmpty();
    }

    @Test
    void everyBadBallotAmongGoodOnesIsNamedAsVerifyNamesIt() {
        SecureRandom random = BallotFixtures.seeded(72);
        Election election = Election.random(6, 3, 1, 1, random);
        BallotParameters parameters = election.parameters();
        List<Voter> voters = new ArrayList<>();
        for (int i = 0; i < BALLOTS; i++) {
            voters.add(Voter.random(random));
        }
        List<EncryptedBallot> ballots = honest(election, voters, random);
        Map<Integer, EncryptedBallot> bad = new TreeMap<>();
        bad.put(2, Forgeries.commitmentMoved(parameters, voters.get(2), ballots.get(2), 1, 0, true));
        bad.put(5, Forgeries.responsesShifted(ballots.get(5), voters.get(5), 0, 2));
        bad.put(9, Forgeries.forged(parameters, voters.get(9), new int[] {2, 0, 0}, 1, false, random));
        bad.put(13, ballots.get(13).withSignature(ballots.get(14).signature()));
        bad.put(17, Forgeries.commitmentMoved(parameters, voters.get(17), ballots.get(17), 3, 0, false));
        bad.put(20, Forgeries.copiedBy(voters.get(21), ballots.get(20)));
        bad.forEach(ballots::set);

        List<String> verdicts = election.verifier().verifyAll(ballots, new SecureRandom());
        for (int i = 0; i < BALLOTS; i++) {
            String alone = election.verifier().verify(ballots.get(i));
            assertThat(verdicts.get(i)).as("ballot %d", i).isEqualTo(alone);
            assertThat(alone == null).as("ballot %d is good", i).isEqualTo(!bad.containsKey(i));
        }
        assertThat(verdicts.get(2)).isEqualTo("option 1: the 0/1 proof does not verify");
        assertThat(verdicts.get(5)).isEqualTo("option 0: the 0/1 proof does not verify");
        assertThat(verdicts.get(13)).isEqualTo("signature does not verify under the credential");
        assertThat(verdicts.get(17)).startsWith("the overall proof does not verify");
    }

    @Test
    void errorsThatCancelWithoutWeightsAreCaughtWithRandomOnes() {
        SecureRandom random = BallotFixtures.seeded(73);
        Election election = Election.random(7, 3, 0, 3, random);
        Voter voter = Voter.random(random);
        EncryptedBallot shifted = Forgeries.responsesShifted(voter.cast(election.parameters(), new int[] {1, 0, 1},
                random), voter, 0, 1);
        assertThat(election.verifier().equationsHoldTogether(shifted, () -> BigInteger.ONE)).as("unweighted").isTrue();
        for (int attempt = 0; attempt < 8; attempt++) {
            assertThat(election.verifier().verifyAll(List.of(shifted), new SecureRandom()).get(0))
                    .isEqualTo("option 0: the 0/1 proof does not verify");
        }
    }
}
