package io.bastion.threshold;

import org.bouncycastle.util.Arrays;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * FROST, the two-round threshold Schnorr signature of RFC 9591: t of n holders of Shamir shares
 * of a signing key sign together without ever assembling it, and the result is an ordinary
 * Schnorr signature under the group public key (for {@link FrostSuite#ED25519_SHA512}, a plain
 * Ed25519 signature).
 *
 * <p>Round one: each signer calls {@link #commit} and sends the {@link FrostNonces#commitment()}
 * to the coordinator, keeping the nonces. Round two: the coordinator sends the message and the
 * commitment list, sorted by identifier, to the signers, each of which calls {@link #sign}.
 * The coordinator then {@link #aggregate}s the shares; if the signature does not
 * {@link #verify}, {@link #verifyShare} or {@link #invalidShares} names the signers whose shares
 * are wrong. Identifiers are the Shamir evaluation points, scalars 1..n.
 *
 * <p>Pure functions of their inputs (randomness only from the {@link SecureRandom} passed in),
 * except that signing spends the nonces. Secret shares, nonces and signature shares are scalars in
 * [0, order); elements must be of the suite's group.
 */
public final class Frost {
    /** Bytes of randomness that nonce_generate draws for each nonce. */
    public static final int NONCE_RANDOMNESS_BYTES = 32;

    private Frost() {}

    /** Round one: fresh hiding and binding nonces for the participant, and the commitment to them. */
    public static FrostNonces commit(FrostSuite suite, BigInteger identifier, BigInteger secretShare, SecureRandom random) {
        byte[] hidingRandomness = new byte[NONCE_RANDOMNESS_BYTES];
        byte[] bindingRandomness = new byte[NONCE_RANDOMNESS_BYTES];
        random.nextBytes(hidingRandomness);
        random.nextBytes(bindingRandomness);
        return commit(suite, identifier, secretShare, hidingRandomness, bindingRandomness);
    }

    /**
     * Round one with the randomness given, for test vectors: each nonce is
     * nonce_generate(secretShare) with these 32 bytes as its random_bytes. Never reuse randomness.
     */
    public static FrostNonces commit(FrostSuite suite, BigInteger identifier, BigInteger secretShare,
                                     byte[] hidingRandomness, byte[] bindingRandomness) {
        checkScalar(suite.group(), secretShare, "secret share");
        return new FrostNonces(suite, identifier,
                generateNonce(suite, secretShare, hidingRandomness),
                generateNonce(suite, secretShare, bindingRandomness));
    }

    /** nonce_generate: H3(random_bytes || SerializeScalar(secret)), hedging a weak random source with the secret. */
    private static BigInteger generateNonce(FrostSuite suite, BigInteger secret, byte[] randomness) {
        if (randomness.length != NONCE_RANDOMNESS_BYTES) {
            throw new IllegalArgumentException("nonce randomness is " + NONCE_RANDOMNESS_BYTES + " bytes, not " + randomness.length);
        }
        return suite.h3(Arrays.concatenate(randomness, suite.group().encodeScalar(secret)));
    }

    /**
     * Round two: the participant's signature share over {@code message}. Checks first that the
     * commitment list is valid and holds this participant's own commitment, then spends the nonces
     * (a second call with them throws {@link IllegalStateException}).
     */
    public static BigInteger sign(FrostSuite suite, BigInteger identifier, BigInteger secretShare, FrostNonces nonces,
                                  byte[] message, List<FrostCommitment> commitmentList, Element groupPublicKey) {
        Group group = suite.group();
        checkScalar(group, secretShare, "secret share");
        FrostSigningPackage signing = new FrostSigningPackage(suite, commitmentList, message, groupPublicKey);
        if (!nonces.commitment().identifier().equals(identifier)) {
            throw new IllegalArgumentException("these nonces are participant " + nonces.commitment().identifier() + "'s, not " + identifier + "'s");
        }
        if (!signing.commitment(identifier).equals(nonces.commitment())) {
            throw new IllegalArgumentException("the commitment list holds another commitment for participant " + identifier + " than its own");
        }
        nonces.spend();
        BigInteger lambda = signing.lagrangeCoefficient(identifier);
        return group.reduce(nonces.hiding()
                .add(nonces.binding().multiply(signing.bindingFactor(identifier)))
                .add(lambda.multiply(secretShare).multiply(signing.challenge())));
    }

    /**
     * verify_signature_share: whether {@code share} is participant {@code identifier}'s correct
     * signature share for this session, given its public share g^{secret share}.
     */
    public static boolean verifyShare(FrostSuite suite, BigInteger identifier, Element publicShare, BigInteger share,
                                      List<FrostCommitment> commitmentList, byte[] message, Element groupPublicKey) {
        return shareIsValid(new FrostSigningPackage(suite, commitmentList, message, groupPublicKey),
                suite.group(), identifier, publicShare, share);
    }

    /**
     * The identifiers, ascending, of the signers in the commitment list whose share is missing or
     * wrong; empty when all are right. {@code publicShares} holds every signer's public share.
     */
    public static List<BigInteger> invalidShares(FrostSuite suite, Map<BigInteger, Element> publicShares,
                                                 Map<BigInteger, BigInteger> shares, List<FrostCommitment> commitmentList,
                                                 byte[] message, Element groupPublicKey) {
        FrostSigningPackage signing = new FrostSigningPackage(suite, commitmentList, message, groupPublicKey);
        List<BigInteger> invalid = new ArrayList<>();
        for (BigInteger identifier : signing.participants()) {
            BigInteger share = shares.get(identifier);
            Element publicShare = publicShares.get(identifier);
            if (publicShare == null) {
                throw new IllegalArgumentException("no public share of participant " + identifier);
            }
            if (share == null || !shareIsValid(signing, suite.group(), identifier, publicShare, share)) {
                invalid.add(identifier);
            }
        }
        return invalid;
    }

    /** g^share = R_i · PK_i^(c·λ_i), where R_i is the participant's commitment share. */
    private static boolean shareIsValid(FrostSigningPackage signing, Group group, BigInteger identifier,
                                        Element publicShare, BigInteger share) {
        if (publicShare.group() != group) {
            throw new IllegalArgumentException("the public share of participant " + identifier + " is not of " + group);
        }
        if (share.signum() < 0 || share.compareTo(group.order()) >= 0) {
            return false; // DeserializeScalar would have refused it
        }
        BigInteger exponent = signing.challenge().multiply(signing.lagrangeCoefficient(identifier));
        Element expected = signing.commitmentShare(identifier).add(publicShare.multiply(exponent));
        return group.base(share).equals(expected);
    }

    /**
     * aggregate: the signature R || z from one share per participant of the commitment list
     * (R as the group encodes elements, z as it encodes scalars). Does not check the shares; check
     * the result with {@link #verify} before publishing it.
     */
    public static byte[] aggregate(FrostSuite suite, List<FrostCommitment> commitmentList, byte[] message,
                                   Element groupPublicKey, Map<BigInteger, BigInteger> shares) {
        Group group = suite.group();
        FrostSigningPackage signing = new FrostSigningPackage(suite, commitmentList, message, groupPublicKey);
        if (!new TreeSet<>(shares.keySet()).equals(new TreeSet<>(signing.participants()))) {
            throw new IllegalArgumentException("shares from " + new TreeSet<>(shares.keySet())
                    + " do not match the commitment list's participants " + signing.participants());
        }
        BigInteger z = BigInteger.ZERO;
        for (Map.Entry<BigInteger, BigInteger> share : shares.entrySet()) {
            checkScalar(group, share.getValue(), "signature share of participant " + share.getKey());
            z = z.add(share.getValue());
        }
        return Arrays.concatenate(signing.groupCommitment().encode(), group.encodeScalar(z));
    }

    /**
     * Whether {@code signature} is a valid signature R || z of {@code message} under the group
     * public key: z·G = R + H2(R || PK || message)·PK. For Ed25519 this is RFC 8032 verification,
     * slightly stricter: R must be a canonical encoding in the prime-order subgroup, so the
     * cofactored and unfactored equations agree.
     */
    public static boolean verify(FrostSuite suite, Element groupPublicKey, byte[] message, byte[] signature) {
        Group group = suite.group();
        if (groupPublicKey.group() != group) {
            throw new IllegalArgumentException("the group public key is not of " + group);
        }
        if (groupPublicKey.isIdentity() || signature.length != suite.signatureBytes()) {
            return false; // under the identity as key, any z·G would pass as a signature
        }
        byte[] encodedCommitment = Arrays.copyOfRange(signature, 0, group.elementBytes());
        Element commitment;
        BigInteger z;
        try {
            commitment = group.decode(encodedCommitment);
            z = group.decodeScalar(Arrays.copyOfRange(signature, group.elementBytes(), signature.length));
        } catch (IllegalArgumentException malformed) {
            return false;
        }
        if (commitment.isIdentity()) {
            return false;
        }
        BigInteger challenge = suite.h2(Arrays.concatenate(encodedCommitment, groupPublicKey.encode(), message));
        return group.base(z).equals(commitment.add(groupPublicKey.multiply(challenge)));
    }

    /** Identifiers are nonzero scalars: the Shamir evaluation points 1..n. */
    static void checkIdentifier(Group group, BigInteger identifier) {
        if (identifier.signum() <= 0 || identifier.compareTo(group.order()) >= 0) {
            throw new IllegalArgumentException("identifier " + identifier + " is not in [1, order)");
        }
    }

    private static void checkScalar(Group group, BigInteger scalar, String what) {
        if (scalar.signum() < 0 || scalar.compareTo(group.order()) >= 0) {
            throw new IllegalArgumentException("the " + what + " is not a scalar in [0, order)");
        }
    }
}
