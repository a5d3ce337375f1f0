package io.bastion.threshold;

import org.bouncycastle.util.Arrays;

import java.math.BigInteger;

/**
 * What a FROST participant publishes in round one (RFC 9591 section 5.1): its identifier and the
 * commitments g^d and g^e to its hiding and binding nonces. The coordinator gathers these into the
 * commitment list that every signer of the session receives. Immutable.
 *
 * @param identifier the participant's identifier, a scalar in [1, order)
 * @param hiding     g^d, never the identity
 * @param binding    g^e, never the identity
 */
public record FrostCommitment(BigInteger identifier, Element hiding, Element binding) {
    public FrostCommitment {
        Group group = hiding.group();
        if (binding.group() != group) {
            throw new IllegalArgumentException("the two commitments are of different groups");
        }
        Frost.checkIdentifier(group, identifier);
        // RFC 9591 serializes no identity element; an identity commitment would also expose the share.
        if (hiding.isIdentity() || binding.isIdentity()) {
            throw new IllegalArgumentException("participant " + identifier + " committed to the identity");
        }
    }

    public Group group() {
        return hiding.group();
    }

    /** This entry of encode_group_commitment_list: identifier, hiding, binding, each encoded. */
    byte[] encode() {
        return Arrays.concatenate(group().encodeScalar(identifier), hiding.encode(), binding.encode());
    }
}
