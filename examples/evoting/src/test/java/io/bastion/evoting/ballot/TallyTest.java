package io.bastion.evoting.ballot;

import io.bastion.evoting.ballot.BallotFixtures.Election;
import io.bastion.evoting.ballot.BallotFixtures.Voter;
import io.bastion.threshold.ElGamal;
import io.bastion.threshold.Element;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

import static io.bastion.evoting.ballot.BallotFixtures.GROUP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The homomorphic tally: the sums decrypt to the per-option counts, and a claimed result is checked against them. */
class TallyTest {
    @Test
    void theSumsDecryptToTheCounts() {
        SecureRandom random = BallotFixtures.seeded(30);
        for (int[] shape : new int[][] {{3, 1, 1}, {4, 0, 4}, {5, 2, 3}}) {
            Election election = Election.random(9, shape[0], shape[1], shape[2], random);
            List<EncryptedBallot> ballots = new ArrayList<>();
            long[] expected = new long[shape[0]];
            for (int i = 0; i < 12; i++) {
                int[] choices = BallotFixtures.randomChoices(election.parameters(), random);
                ballots.add(Voter.random(random).cast(election.parameters(), choices, random));
                for (int j = 0; j < choices.length; j++) {
                    expected[j] += choices[j];
                }
            }
            List<ElGamal.Ciphertext> sums = Tally.sum(shape[0], ballots);
            List<Element> plaintexts = sums.stream().map(c -> ElGamal.decrypt(election.secret(), c)).toList();
            List<Long> counts = new ArrayList<>();
            for (long count : expected) {
                counts.add(count);
            }
            assertThat(Tally.counts(plaintexts, ballots.size())).contains(counts);
            assertThat(Tally.check(plaintexts, counts)).isNull();

            List<Long> wrong = new ArrayList<>(counts);
            wrong.set(1, counts.get(1) + 1);
            assertThat(Tally.check(plaintexts, wrong)).isEqualTo("option 1: the decrypted sum is not " + wrong.get(1) + "·G");
            assertThat(Tally.check(plaintexts, counts.subList(0, 2))).isEqualTo(shape[0] + " decrypted sums for 2 claimed counts");
            List<Long> negative = new ArrayList<>(counts);
            negative.set(0, -1L);
            assertThat(Tally.check(plaintexts, negative)).startsWith("option 0: ");
        }
    }

    @Test
    void noBallotsCountZeroAndBallotsOfAnotherShapeAreRefused() {
        SecureRandom random = BallotFixtures.seeded(31);
        List<ElGamal.Ciphertext> empty = Tally.sum(3, List.of());
        assertThat(empty).hasSize(3).allSatisfy(c -> assertThat(ElGamal.decrypt(BigInteger.TEN, c).isIdentity()).isTrue());
        assertThat(Tally.check(List.of(GROUP.identity(), GROUP.identity()), List.of(0L, 0L))).isNull();
        assertThat(Tally.counts(List.of(GROUP.base(BigInteger.valueOf(5))), 4)).isEmpty();
        Election election = Election.random(9, 2, 1, 1, random);
        EncryptedBallot twoOptions = Voter.random(random).cast(election.parameters(), new int[] {1, 0}, random);
        assertThatThrownBy(() -> Tally.sum(3, List.of(twoOptions))).hasMessage("a ballot of 2 options in a tally of 3");
    }
}
