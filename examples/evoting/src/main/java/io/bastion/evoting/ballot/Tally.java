package io.bastion.evoting.ballot;

import io.bastion.threshold.ElGamal;
import io.bastion.threshold.Element;
import io.bastion.threshold.P256Group;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Counting encrypted ballots without decrypting any one of them. {@link #sum} adds the counted
 * ballots' ciphertexts per option: each sum encrypts that option's count. The cluster's threshold
 * facility decrypts the sums (each share proven), giving {@code count·G} per option; {@link #check}
 * tells whether a claimed result is what they hold, and {@link #counts} finds the counts.
 */
public final class Tally {
    private static final P256Group GROUP = P256Group.INSTANCE;

    private Tally() {}

    /**
     * Per option, the sum of the ballots' ciphertexts ({@code Σα_j, Σβ_j}): an encryption of the number
     * of ballots that chose option {@code j}. The ballots must have been verified for one election of
     * {@code options} options. With no ballots every sum is the identity pair (an encryption of 0 with
     * randomness 0).
     */
    public static List<ElGamal.Ciphertext> sum(int options, List<EncryptedBallot> ballots) {
        List<ElGamal.Ciphertext> sums = new ArrayList<>(options);
        for (int j = 0; j < options; j++) {
            List<Element> alphas = new ArrayList<>(ballots.size());
            List<Element> betas = new ArrayList<>(ballots.size());
            for (EncryptedBallot ballot : ballots) {
                if (ballot.choices().size() != options) {
                    throw new IllegalArgumentException("a ballot of " + ballot.choices().size() + " options in a tally of "
                            + options);
                }
                alphas.add(ballot.choices().get(j).alpha());
                betas.add(ballot.choices().get(j).beta());
            }
            sums.add(new ElGamal.Ciphertext(GROUP.sum(alphas), GROUP.sum(betas)));
        }
        return sums;
    }

    /**
     * {@code null} when each decrypted sum {@code plaintexts[j]} is {@code counts[j]·G}, otherwise the
     * first option where the claim and the decryption differ.
     */
    public static String check(List<Element> plaintexts, List<Long> counts) {
        if (plaintexts.size() != counts.size()) {
            return plaintexts.size() + " decrypted sums for " + counts.size() + " claimed counts";
        }
        for (int j = 0; j < counts.size(); j++) {
            long count = counts.get(j);
            if (count < 0 || !GROUP.base(BigInteger.valueOf(count)).equals(plaintexts.get(j))) {
                return "option " + j + ": the decrypted sum is not " + count + "·G";
            }
        }
        return null;
    }

    /**
     * The counts the decrypted sums hold, each found by search up to {@code ballots} (the number of
     * ballots added); empty if some sum holds no count in that range, which the sum of valid ballots
     * never does.
     */
    public static Optional<List<Long>> counts(List<Element> plaintexts, long ballots) {
        List<Long> counts = new ArrayList<>(plaintexts.size());
        for (Element plaintext : plaintexts) {
            Optional<Long> count = ElGamal.discreteLog(plaintext, ballots);
            if (count.isEmpty()) {
                return Optional.empty();
            }
            counts.add(count.get());
        }
        return Optional.of(counts);
    }
}
