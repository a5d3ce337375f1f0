package io.bastion.evoting.ballot;

import io.bastion.evoting.ballot.BallotFixtures.Election;
import io.bastion.evoting.ballot.BallotFixtures.Voter;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A replica's check of a batch's ballots together ({@link BallotVerifier#verifyTogether}), ahead of
 * each ballot's own check: valid ballots of several elections pass as one sum and are then found at
 * once; one false proof among them leaves every ballot to its own check, which names it as before,
 * and keeps its credential out of later batches; what is remembered holds only for the very
 * parameters, bytes and signature it was found valid with.
 */
class BallotsTogetherTest {
    private static List<BallotVerifier.Cast> honest(List<Election> elections, List<Voter> voters, SecureRandom random) {
        List<BallotVerifier.Cast> casts = new ArrayList<>();
        for (int i = 0; i < voters.size(); i++) {
            BallotParameters parameters = elections.get(i % elections.size()).parameters();
            casts.add(new BallotVerifier.Cast(parameters,
                    voters.get(i).cast(parameters, BallotFixtures.randomChoices(parameters, random), random)));
        }
        return casts;
    }

    private static List<Voter> voters(int count, SecureRandom random) {
        List<Voter> voters = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            voters.add(Voter.random(random));
        }
        return voters;
    }

    @Test
    void validBallotsOfSeveralElectionsPassTogetherAndAreThenFoundAtOnce() {
        SecureRandom random = BallotFixtures.seeded(81);
        List<Election> elections = List.of(Election.random(11, 3, 1, 1, random), Election.random(12, 4, 0, 2, random));
        List<BallotVerifier.Cast> casts = honest(elections, voters(20, random), random);
        assertThat(casts.stream().filter(c -> BallotVerifier.remembered(c.parameters(), c.ballot()))).isEmpty();

        assertThat(BallotVerifier.verifyTogether(casts)).as("20 ballots, in groups of %d", BallotVerifier.BATCH_BALLOTS)
                .isEqualTo(20);
        for (BallotVerifier.Cast cast : casts) {
            assertThat(BallotVerifier.remembered(cast.parameters(), cast.ballot())).isTrue();
            assertThat(new BallotVerifier(cast.parameters()).verify(cast.ballot())).isNull();
        }
        assertThat(BallotVerifier.verifyTogether(casts.subList(0, 1))).as("one ballot alone: nothing to share").isZero();
        assertThat(BallotVerifier.verifyTogether(List.of())).isZero();
    }

    @Test
    void oneFalseProofLeavesEveryBallotToItsOwnCheckAndItsCredentialOutOfLaterBatches() {
        SecureRandom random = BallotFixtures.seeded(82);
        Election election = Election.random(13, 3, 1, 1, random);
        BallotParameters parameters = election.parameters();
        List<Voter> voters = voters(6, random);
        List<BallotVerifier.Cast> casts = new ArrayList<>(honest(List.of(election), voters, random));
        Voter faulty = voters.get(3);
        EncryptedBallot forged = Forgeries.commitmentMoved(parameters, faulty, casts.get(3).ballot(), 1, 0, true);
        casts.set(3, new BallotVerifier.Cast(parameters, forged));

        assertThat(BallotVerifier.verifyTogether(casts)).isZero();
        for (int i = 0; i < casts.size(); i++) {
            BallotVerifier.Cast cast = casts.get(i);
            assertThat(BallotVerifier.remembered(parameters, cast.ballot())).as("ballot %d", i).isFalse();
            assertThat(election.verifier().verify(cast.ballot())).as("ballot %d on its own", i)
                    .isEqualTo(i == 3 ? "option 1: the 0/1 proof does not verify" : null);
        }

        List<BallotVerifier.Cast> later = new ArrayList<>(honest(List.of(election), voters, random));
        assertThat(BallotVerifier.verifyTogether(later)).as("the faulty voter's new ballot is left out").isEqualTo(5);
        assertThat(BallotVerifier.remembered(parameters, later.get(3).ballot())).isFalse();
        assertThat(election.verifier().verify(later.get(3).ballot())).as("and checked on its own").isNull();
    }

    @Test
    void aRememberedBallotCountsOnlyWithItsOwnParametersAndSignature() {
        SecureRandom random = BallotFixtures.seeded(83);
        Election election = Election.random(14, 3, 1, 1, random);
        List<BallotVerifier.Cast> casts = honest(List.of(election), voters(4, random), random);
        assertThat(BallotVerifier.verifyTogether(casts)).isEqualTo(4);
        EncryptedBallot ballot = casts.getFirst().ballot();

        Election otherKey = Election.random(14, 3, 1, 1, random);
        assertThat(new BallotVerifier(otherKey.parameters()).verify(ballot)).as("another election key")
                .isEqualTo("option 0: the 0/1 proof does not verify");
        BallotParameters wider = new BallotParameters(14, 3, 0, 3, election.parameters().publicKey());
        assertThat(new BallotVerifier(wider).verify(ballot)).as("other bounds").startsWith("the overall proof must have");
        EncryptedBallot resigned = ballot.withSignature(casts.get(1).ballot().signature());
        assertThat(election.verifier().verify(resigned)).isEqualTo("signature does not verify under the credential");
    }

    @Test
    void theWeightsOfABatchAreAHashOfEveryBallotInIt() {
        byte[] a = {1, 2, 3};
        byte[] b = {4, 5};
        List<BigInteger> both = first(4, EquationBatch.weights(List.of(a, b), List.of(b, a)));
        assertThat(first(4, EquationBatch.weights(List.of(a, b), List.of(b, a)))).isEqualTo(both);
        assertThat(first(4, EquationBatch.weights(List.of(a, b), List.of(b, b)))).as("another ballot").isNotEqualTo(both);
        assertThat(first(4, EquationBatch.weights(List.of(b, a), List.of(a, b)))).as("another order").isNotEqualTo(both);
        assertThat(first(4, EquationBatch.weights(List.of(a), List.of(b)))).as("fewer ballots")
                .isNotEqualTo(first(4, EquationBatch.weights(a, b)));
        for (BigInteger z : both) {
            assertThat(z.signum()).isPositive();
            assertThat(z.bitLength()).isLessThanOrEqualTo(EquationBatch.WEIGHT_BITS);
        }
    }

    private static List<BigInteger> first(int count, Supplier<BigInteger> weights) {
        List<BigInteger> values = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            values.add(weights.get());
        }
        return values;
    }
}
