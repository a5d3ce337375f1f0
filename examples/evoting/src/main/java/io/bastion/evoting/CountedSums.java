package io.bastion.evoting;

import io.bastion.evoting.ballot.EncryptedBallot;
import io.bastion.evoting.ballot.EncryptedChoice;
import io.bastion.evoting.ballot.Tally;
import io.bastion.threshold.ElGamal;
import io.bastion.threshold.Element;
import io.bastion.threshold.P256Group;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Per election and option, the homomorphic sum of the counted ballots' ciphertexts, kept up to date
 * as ballots are cast: a new ballot's ciphertexts are added, and the ones of the ballot it replaces
 * (a re-vote) are taken out. At every moment the sums are what {@link Tally#sum} would compute over
 * the counted ballots, so the close only reads them instead of reading and adding up every ballot
 * (some 30 s of CPU for 100,000 ballots, in the one request that closes the election, while the
 * replica executes nothing else; see {@code CloseTimingTest}).
 *
 * <p>Stored in {@code election_option} ({@code sum_alpha}, {@code sum_beta}) in the group's
 * canonical encoding (a compressed P-256 point, the identity as 33 zero bytes), written in the
 * transaction of the cast that changes them. Nothing secret: a sum of ciphertexts is itself a
 * ciphertext, under the election's threshold key, and is decrypted only once, at the close.
 * Deterministic: the sums depend only on the counted ballots, not on the order they were added in,
 * and their encodings are canonical, so every replica writes the same bytes.
 */
final class CountedSums {
    private static final P256Group GROUP = P256Group.INSTANCE;
    /** The sum of no ballots: the identity pair, an encryption of 0 with randomness 0. */
    static final byte[] EMPTY = GROUP.identity().encode();
    /**
     * The points of the sums this JVM wrote or read last, by encoding: a cast reads the sums the cast
     * before it wrote, and finds them here instead of decompressing six points again (a square root
     * each, about a tenth of a cast's CPU). Keyed by content, so it cannot change what is read.
     */
    private static final DecodedPoints DECODED = new DecodedPoints(GROUP, 256);

    private CountedSums() {}

    /** The election's sums, in the options' order. */
    static List<ElGamal.Ciphertext> of(Connection c, long electionId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "SELECT sum_alpha, sum_beta FROM election_option WHERE election_id = ? ORDER BY position")) {
            p.setLong(1, electionId);
            List<ElGamal.Ciphertext> sums = new ArrayList<>();
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    sums.add(new ElGamal.Ciphertext(DECODED.decode(rs.getBytes(1)), DECODED.decode(rs.getBytes(2))));
                }
            }
            return sums;
        }
    }

    /**
     * Adds {@code counted} (just cast, verified for this election) to the election's sums and takes out
     * {@code replaced}, the ciphertexts of the voter's ballot it replaces ({@link io.bastion.evoting.ballot.BallotJson#ciphertexts}),
     * or null on a first ballot.
     */
    static void replace(Connection c, long electionId, EncryptedBallot counted, List<ElGamal.Ciphertext> replaced)
            throws SQLException {
        List<ElGamal.Ciphertext> sums = of(c, electionId);
        requireOptions(counted.choices().size(), sums.size());
        if (replaced != null) {
            requireOptions(replaced.size(), sums.size());
        }
        List<Element> updated = new ArrayList<>(2 * sums.size()); // α and β of every option, in turn
        for (int j = 0; j < sums.size(); j++) {
            ElGamal.Ciphertext sum = sums.get(j).add(ciphertext(counted, j));
            if (replaced != null) {
                sum = sum.subtract(replaced.get(j));
            }
            updated.add(sum.c1());
            updated.add(sum.c2());
        }
        updated = GROUP.normalizeAll(updated); // one inversion for all the encodings below
        try (PreparedStatement p = c.prepareStatement(
                "UPDATE election_option SET sum_alpha = ?, sum_beta = ? WHERE election_id = ? AND position = ?")) {
            for (int j = 0; j < sums.size(); j++) {
                p.setBytes(1, DECODED.encode(updated.get(2 * j)));
                p.setBytes(2, DECODED.encode(updated.get(2 * j + 1)));
                p.setLong(3, electionId);
                p.setInt(4, j);
                p.executeUpdate();
            }
        }
    }

    private static ElGamal.Ciphertext ciphertext(EncryptedBallot ballot, int option) {
        EncryptedChoice choice = ballot.choices().get(option);
        return new ElGamal.Ciphertext(choice.alpha(), choice.beta());
    }

    private static void requireOptions(int ballotOptions, int options) {
        if (ballotOptions != options) {
            throw new IllegalStateException("a ballot of " + ballotOptions + " options in the sums of an"
                    + " election of " + options + ": ballots are verified against their election before they count");
        }
    }
}
