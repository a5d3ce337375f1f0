package io.bastion.evoting.ballot;

import io.bastion.threshold.Element;
import io.bastion.threshold.P256Group;

/**
 * One option of a ballot: the ciphertext {@code α = r·G, β = m·G + r·PK} of {@code m} ∈ {0, 1} and
 * the proof that {@code m} is 0 or 1. Neither point is the identity. Immutable.
 */
public record EncryptedChoice(Element alpha, Element beta, DisjunctiveProof proof) {
    /** Branches of an option's proof: the values 0 and 1. */
    public static final int PROOF_BRANCHES = 2;

    public EncryptedChoice {
        for (Element e : new Element[] {alpha, beta}) {
            if (e.group() != P256Group.INSTANCE || e.isIdentity()) {
                throw new IllegalArgumentException("a ciphertext's points are P-256 points other than the identity");
            }
        }
        if (proof.branches().size() != PROOF_BRANCHES) {
            throw new IllegalArgumentException("an option's proof has " + PROOF_BRANCHES + " branches, not "
                    + proof.branches().size());
        }
    }
}
