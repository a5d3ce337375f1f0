package io.bastion.threshold;

import org.bouncycastle.util.Arrays;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one FROST signing session derives from its inputs, computed once for the signers, the
 * share checks and the aggregation alike (RFC 9591 section 4): the binding factor of every
 * participant, the group commitment R and the challenge c. Construction validates the commitment
 * list (one suite, identifiers strictly ascending) and the group public key. Immutable.
 */
final class FrostSigningPackage {
    private final FrostSuite suite;
    private final List<FrostCommitment> commitments;
    private final List<BigInteger> participants;
    private final byte[] bindingFactorInputPrefix;
    private final Map<BigInteger, BigInteger> bindingFactors;
    private final Element groupCommitment;
    private final BigInteger challenge;

    FrostSigningPackage(FrostSuite suite, List<FrostCommitment> commitmentList, byte[] message, Element groupPublicKey) {
        this.suite = suite;
        this.commitments = List.copyOf(commitmentList);
        this.participants = commitments.stream().map(FrostCommitment::identifier).toList();
        checkInputs(groupPublicKey);
        // compute_binding_factors
        bindingFactorInputPrefix = Arrays.concatenate(
                groupPublicKey.encode(), suite.h4(message), suite.h5(encodeCommitmentList()));
        Map<BigInteger, BigInteger> factors = new HashMap<>();
        for (BigInteger identifier : participants) {
            factors.put(identifier, suite.h1(bindingFactorInput(identifier)));
        }
        bindingFactors = Map.copyOf(factors);
        groupCommitment = computeGroupCommitment();
        // compute_challenge
        challenge = suite.h2(Arrays.concatenate(groupCommitment.encode(), groupPublicKey.encode(), message));
    }

    private void checkInputs(Element groupPublicKey) {
        Group group = suite.group();
        if (groupPublicKey.group() != group || groupPublicKey.isIdentity()) {
            throw new IllegalArgumentException("the group public key is not an element of " + group + " other than the identity");
        }
        if (commitments.isEmpty()) {
            throw new IllegalArgumentException("the commitment list is empty");
        }
        BigInteger previous = BigInteger.ZERO;
        for (FrostCommitment commitment : commitments) {
            if (commitment.group() != group) {
                throw new IllegalArgumentException("participant " + commitment.identifier() + " committed in " + commitment.group() + ", not " + group);
            }
            if (commitment.identifier().compareTo(previous) <= 0) {
                throw new IllegalArgumentException("the commitment list is not in strictly ascending order of identifier at " + commitment.identifier());
            }
            previous = commitment.identifier();
        }
    }

    /** encode_group_commitment_list. */
    private byte[] encodeCommitmentList() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        commitments.forEach(commitment -> out.writeBytes(commitment.encode()));
        return out.toByteArray();
    }

    /** compute_group_commitment: the sum of every participant's commitment share. */
    private Element computeGroupCommitment() {
        Element sum = suite.group().identity();
        for (FrostCommitment commitment : commitments) {
            sum = sum.add(commitmentShare(commitment));
        }
        if (sum.isIdentity()) {
            // RFC 9591 serializes no identity; honest commitments reach it with negligible probability.
            throw new IllegalArgumentException("the group commitment is the identity");
        }
        return sum;
    }

    private Element commitmentShare(FrostCommitment commitment) {
        return commitment.hiding().add(commitment.binding().multiply(bindingFactor(commitment.identifier())));
    }

    /** The input to H1 for a participant's binding factor (RFC 9591 section 4.4, rho_input). */
    byte[] bindingFactorInput(BigInteger identifier) {
        return Arrays.concatenate(bindingFactorInputPrefix, suite.group().encodeScalar(identifier));
    }

    /** binding_factor_for_participant. */
    BigInteger bindingFactor(BigInteger identifier) {
        BigInteger factor = bindingFactors.get(identifier);
        if (factor == null) {
            throw notInList(identifier);
        }
        return factor;
    }

    /** The commitment the list holds for a participant. */
    FrostCommitment commitment(BigInteger identifier) {
        int index = participants.indexOf(identifier);
        if (index < 0) {
            throw notInList(identifier);
        }
        return commitments.get(index);
    }

    /** g^(d + e·rho): the part of the group commitment that a participant contributes. */
    Element commitmentShare(BigInteger identifier) {
        return commitmentShare(commitment(identifier));
    }

    /** derive_interpolating_value: the participant's Lagrange coefficient among the signers. */
    BigInteger lagrangeCoefficient(BigInteger identifier) {
        return Polynomial.lagrangeAtZero(suite.group(), participants, identifier);
    }

    private static IllegalArgumentException notInList(BigInteger identifier) {
        return new IllegalArgumentException("participant " + identifier + " is not in the commitment list");
    }

    List<BigInteger> participants() {
        return participants;
    }

    /** R, the group commitment. */
    Element groupCommitment() {
        return groupCommitment;
    }

    /** c = H2(R || PK || message). */
    BigInteger challenge() {
        return challenge;
    }
}
