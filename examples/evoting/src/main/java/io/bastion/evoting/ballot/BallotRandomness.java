package io.bastion.evoting.ballot;

import io.bastion.threshold.P256Group;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything random in a ballot: per option the encryption randomness {@code r_j} and its proof's
 * randomness, and the overall proof's. Secret: {@code r_j} decrypts option {@code j} without the
 * threshold key. Drawn fresh for each ballot ({@link #draw}); given explicitly only to reproduce a
 * ballot byte for byte, as the cross-implementation vectors do.
 */
public record BallotRandomness(List<Option> options, DisjunctiveProof.Randomness overall) {
    /** Option {@code j}'s randomness: {@code r_j} in [1, q − 1] and its 0/1 proof's (one simulated branch). */
    public record Option(BigInteger r, DisjunctiveProof.Randomness proof) {}

    public BallotRandomness {
        options = List.copyOf(options);
    }

    /** Fresh randomness for a ballot of {@code parameters}. */
    public static BallotRandomness draw(BallotParameters parameters, SecureRandom random) {
        List<Option> options = new ArrayList<>(parameters.options());
        for (int j = 0; j < parameters.options(); j++) {
            options.add(new Option(P256Group.INSTANCE.randomScalar(random),
                    DisjunctiveProof.Randomness.draw(EncryptedChoice.PROOF_BRANCHES, random)));
        }
        return new BallotRandomness(options, DisjunctiveProof.Randomness.draw(parameters.overallBranches(), random));
    }
}
