package io.bastion.threshold;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * FROST end to end with a dealer's shares: t-of-n signatures that plain Ed25519 verifiers accept,
 * a wrong share named by its signer, and the misuse the API refuses (reused nonces, a commitment
 * list that is unsorted or lacks the signer, malformed signatures).
 */
class FrostTest {
    private static final byte[] MESSAGE = "prepare view 7 sequence 42".getBytes(StandardCharsets.UTF_8);
    /** The DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw 32-byte key follows it. */
    private static final byte[] ED25519_X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    @Test
    void anEd25519SignatureFromTwoOfThreeVerifiesWithTheJdk() throws GeneralSecurityException {
        Session session = Session.dealt(FrostSuite.ED25519_SHA512, 2, 3, 1);
        byte[] signature = session.sign(List.of(1, 3), MESSAGE);

        assertThat(signature).hasSize(64);
        assertThat(jdkVerifies(session.groupPublicKey, MESSAGE, signature)).isTrue();
        assertThat(jdkVerifies(session.groupPublicKey, "another message".getBytes(StandardCharsets.UTF_8), signature)).isFalse();
    }

    @Test
    void anEd25519SignatureFromThreeOfFourVerifiesWithTheJdk() throws GeneralSecurityException {
        Session session = Session.dealt(FrostSuite.ED25519_SHA512, 3, 4, 2);
        for (List<Integer> signers : List.of(List.of(1, 2, 4), List.of(2, 3, 4), List.of(1, 2, 3, 4))) {
            byte[] signature = session.sign(signers, MESSAGE);

            assertThat(jdkVerifies(session.groupPublicKey, MESSAGE, signature)).as("signers %s", signers).isTrue();
            assertThat(Frost.verify(session.suite, session.groupPublicKey, MESSAGE, signature)).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(FrostSuite.class)
    void signaturesOfEverySuiteVerifyOnlyForTheirMessageAndKey(FrostSuite suite) {
        Session session = Session.dealt(suite, 3, 5, 3);
        byte[] signature = session.sign(List.of(2, 4, 5), MESSAGE);
        Element otherKey = suite.group().base(BigInteger.TWO);

        assertThat(signature).hasSize(suite.signatureBytes());
        assertThat(Frost.verify(suite, session.groupPublicKey, MESSAGE, signature)).isTrue();
        assertThat(Frost.verify(suite, session.groupPublicKey, new byte[0], signature)).isFalse();
        assertThat(Frost.verify(suite, otherKey, MESSAGE, signature)).isFalse();
    }

    @ParameterizedTest
    @EnumSource(FrostSuite.class)
    void aTamperedSignatureShareIsNamedByItsIdentifier(FrostSuite suite) {
        Session session = Session.dealt(suite, 3, 4, 4);
        Round round = session.round(List.of(1, 2, 4), MESSAGE);
        BigInteger two = BigInteger.TWO;
        round.shares.put(two, suite.group().reduce(round.shares.get(two).add(BigInteger.ONE)));

        for (BigInteger identifier : round.shares.keySet()) {
            boolean valid = Frost.verifyShare(suite, identifier, session.publicShares.get(identifier),
                    round.shares.get(identifier), round.commitments, MESSAGE, session.groupPublicKey);
            assertThat(valid).as("share of %s", identifier).isEqualTo(!identifier.equals(two));
        }
        assertThat(Frost.invalidShares(suite, session.publicShares, round.shares, round.commitments, MESSAGE, session.groupPublicKey))
                .containsExactly(two);
        byte[] signature = Frost.aggregate(suite, round.commitments, MESSAGE, session.groupPublicKey, round.shares);
        assertThat(Frost.verify(suite, session.groupPublicKey, MESSAGE, signature)).isFalse();
    }

    @Test
    void aShareCheckedAgainstAnotherSignersPublicShareFails() {
        Session session = Session.dealt(FrostSuite.ED25519_SHA512, 2, 3, 5);
        Round round = session.round(List.of(1, 2), MESSAGE);
        BigInteger one = BigInteger.ONE;

        assertThat(Frost.verifyShare(session.suite, one, session.publicShares.get(BigInteger.TWO), round.shares.get(one),
                round.commitments, MESSAGE, session.groupPublicKey)).isFalse();
    }

    @Test
    void noncesSignOnce() {
        Session session = Session.dealt(FrostSuite.ED25519_SHA512, 2, 3, 6);
        BigInteger one = BigInteger.ONE;
        FrostNonces nonces = session.commit(one);
        List<FrostCommitment> commitments = List.of(nonces.commitment(), session.commit(BigInteger.TWO).commitment());

        Frost.sign(session.suite, one, session.secretShares.get(one), nonces, MESSAGE, commitments, session.groupPublicKey);

        assertThat(nonces.spent()).isTrue();
        assertThatThrownBy(() -> Frost.sign(session.suite, one, session.secretShares.get(one), nonces, MESSAGE, commitments,
                session.groupPublicKey)).isInstanceOf(IllegalStateException.class).hasMessageContaining("signed already");
    }

    @Test
    void aSignerRefusesACommitmentListWithoutItsOwnCommitment() {
        Session session = Session.dealt(FrostSuite.P256_SHA256, 2, 3, 7);
        BigInteger one = BigInteger.ONE;
        FrostNonces mine = session.commit(one);
        FrostNonces substitute = session.commit(one);
        List<FrostCommitment> others = List.of(session.commit(BigInteger.TWO).commitment(), session.commit(BigInteger.valueOf(3)).commitment());
        List<FrostCommitment> substituted = List.of(substitute.commitment(), others.get(0));

        assertThatThrownBy(() -> Frost.sign(session.suite, one, session.secretShares.get(one), mine, MESSAGE, others, session.groupPublicKey))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not in the commitment list");
        assertThatThrownBy(() -> Frost.sign(session.suite, one, session.secretShares.get(one), mine, MESSAGE, substituted, session.groupPublicKey))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("another commitment");
        assertThat(mine.spent()).isFalse();
    }

    @Test
    void aCommitmentListMustBeStrictlyAscending() {
        Session session = Session.dealt(FrostSuite.ED25519_SHA512, 2, 3, 8);
        FrostCommitment one = session.commit(BigInteger.ONE).commitment();
        FrostCommitment two = session.commit(BigInteger.TWO).commitment();
        FrostCommitment twoAgain = session.commit(BigInteger.TWO).commitment();
        Map<BigInteger, BigInteger> shares = Map.of(BigInteger.ONE, BigInteger.ONE, BigInteger.TWO, BigInteger.ONE);

        for (List<FrostCommitment> list : List.of(List.of(two, one), List.of(one, two, twoAgain))) {
            assertThatThrownBy(() -> Frost.aggregate(session.suite, list, MESSAGE, session.groupPublicKey, shares))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ascending");
        }
    }

    @Test
    void aggregationNeedsExactlyTheListedSignersShares() {
        Session session = Session.dealt(FrostSuite.ED25519_SHA512, 2, 3, 9);
        Round round = session.round(List.of(1, 3), MESSAGE);
        round.shares.remove(BigInteger.valueOf(3));

        assertThatThrownBy(() -> Frost.aggregate(session.suite, round.commitments, MESSAGE, session.groupPublicKey, round.shares))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("do not match");
    }

    @Test
    void commitmentsToTheIdentityAndIdentifierZeroAreRefused() {
        Group group = FrostSuite.ED25519_SHA512.group();

        assertThatThrownBy(() -> new FrostCommitment(BigInteger.ONE, group.identity(), group.generator()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("identity");
        assertThatThrownBy(() -> new FrostCommitment(BigInteger.ZERO, group.generator(), group.generator()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("identifier");
        assertThatThrownBy(() -> new FrostCommitment(group.order(), group.generator(), group.generator()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("identifier");
    }

    @ParameterizedTest
    @EnumSource(FrostSuite.class)
    void malformedSignaturesDoNotVerify(FrostSuite suite) {
        Session session = Session.dealt(suite, 2, 3, 10);
        byte[] signature = session.sign(List.of(1, 2), MESSAGE);
        Group group = suite.group();
        int elementBytes = group.elementBytes();

        byte[] otherCommitment = signature.clone();
        System.arraycopy(group.base(BigInteger.TEN).encode(), 0, otherCommitment, 0, elementBytes);
        byte[] otherResponse = signature.clone();
        otherResponse[signature.length - 1] ^= 1;
        byte[] responseAboveOrder = signature.clone();
        // the order itself, which the group's encodeScalar would reduce to 0
        byte[] order = group instanceof Ed25519Group ? Bytes.fixedLittleEndian(group.order(), 32) : Bytes.fixedBigEndian(group.order(), 32);
        System.arraycopy(order, 0, responseAboveOrder, elementBytes, order.length);
        byte[] identityCommitment = signature.clone();
        System.arraycopy(group.identity().encode(), 0, identityCommitment, 0, elementBytes);

        for (byte[] bad : List.of(otherCommitment, otherResponse, responseAboveOrder, identityCommitment,
                Arrays.copyOf(signature, signature.length - 1), Arrays.copyOf(signature, signature.length + 1))) {
            assertThat(Frost.verify(suite, session.groupPublicKey, MESSAGE, bad)).isFalse();
        }
    }

    @Test
    void theSameInputsGiveTheSameSignature() {
        byte[] first = Session.dealt(FrostSuite.P256_SHA256, 2, 3, 11).sign(List.of(2, 3), MESSAGE);
        byte[] second = Session.dealt(FrostSuite.P256_SHA256, 2, 3, 11).sign(List.of(2, 3), MESSAGE);

        assertThat(second).isEqualTo(first);
    }

    private static boolean jdkVerifies(Element groupPublicKey, byte[] message, byte[] signature) throws GeneralSecurityException {
        byte[] spki = org.bouncycastle.util.Arrays.concatenate(ED25519_X509_PREFIX, groupPublicKey.encode());
        PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(key);
        verifier.update(message);
        return verifier.verify(signature);
    }

    /** A randomness source that gives the same bytes for the same seed on every run. */
    private static SecureRandom seeded(long seed) {
        try {
            SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
            random.setSeed(seed); // before first use: SHA1PRNG then draws on nothing else
            return random;
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** A group key dealt as Shamir shares to participants 1..n, and the randomness the signers draw nonces from. */
    private static final class Session {
        final FrostSuite suite;
        final SecureRandom random;
        final Element groupPublicKey;
        final Map<BigInteger, BigInteger> secretShares = new LinkedHashMap<>();
        final Map<BigInteger, Element> publicShares = new LinkedHashMap<>();

        private Session(FrostSuite suite, Polynomial polynomial, int participants, SecureRandom random) {
            this.suite = suite;
            this.random = random;
            this.groupPublicKey = suite.group().base(polynomial.constant());
            IntStream.rangeClosed(1, participants).mapToObj(BigInteger::valueOf).forEach(identifier -> {
                secretShares.put(identifier, polynomial.evaluate(identifier));
                publicShares.put(identifier, suite.group().base(polynomial.evaluate(identifier)));
            });
        }

        static Session dealt(FrostSuite suite, int threshold, int participants, long seed) {
            SecureRandom random = seeded(seed);
            Group group = suite.group();
            return new Session(suite, Polynomial.random(group, group.randomScalar(random), threshold, random), participants, random);
        }

        FrostNonces commit(BigInteger identifier) {
            return Frost.commit(suite, identifier, secretShares.get(identifier), random);
        }

        /** Both rounds among the signers, every share checked. */
        Round round(List<Integer> signers, byte[] message) {
            List<FrostNonces> nonces = signers.stream().map(BigInteger::valueOf).map(this::commit).toList();
            List<FrostCommitment> commitments = nonces.stream().map(FrostNonces::commitment).toList();
            Map<BigInteger, BigInteger> shares = new LinkedHashMap<>();
            for (FrostNonces mine : nonces) {
                BigInteger identifier = mine.commitment().identifier();
                BigInteger share = Frost.sign(suite, identifier, secretShares.get(identifier), mine, message, commitments, groupPublicKey);
                assertThat(Frost.verifyShare(suite, identifier, publicShares.get(identifier), share, commitments, message, groupPublicKey))
                        .as("share of %s", identifier).isTrue();
                shares.put(identifier, share);
            }
            return new Round(new ArrayList<>(commitments), shares);
        }

        byte[] sign(List<Integer> signers, byte[] message) {
            Round round = round(signers, message);
            return Frost.aggregate(suite, round.commitments, message, groupPublicKey, round.shares);
        }
    }

    private record Round(List<FrostCommitment> commitments, Map<BigInteger, BigInteger> shares) {}
}
