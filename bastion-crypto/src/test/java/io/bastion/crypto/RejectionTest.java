package io.bastion.crypto;

import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.crypto.PublicKeyRef.Algorithm;
import io.bastion.core.crypto.SignatureVerifier;
import io.bastion.core.util.Hex;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigInteger;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Verifiers answer {@code false} to tampered messages, signatures and keys, and to garbage of
 * every shape, and never throw: the network hands them whatever an attacker sends.
 */
class RejectionTest {
    private static final long SEED = 77L;
    /** The order of the Ed25519 base point (RFC 8032 section 5.1). */
    private static final BigInteger ED25519_ORDER =
            BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));

    static List<SignatureVerifier> verifiers() {
        return List.of(new StandardSignatureVerifier(), new JdkSignatureVerifier(),
                new StandardSignatureVerifier(0), new JdkSignatureVerifier(0));
    }

    static List<SigningKey> keys() {
        return List.of(TestKeys.ed25519(new Random(SEED)), EcdsaP256SigningKey.generate(TestKeys.secureRandom(SEED)));
    }

    @ParameterizedTest
    @MethodSource("verifiers")
    void everySingleBitFlipInMessageSignatureOrKeyIsRejected(SignatureVerifier verifier) {
        Random random = new Random(SEED);
        for (SigningKey key : keys()) {
            byte[] message = TestKeys.bytes(random, 100);
            byte[] signature = key.sign(message);
            assertThat(verifier.verify(key.publicKey(), message, signature)).isTrue();
            for (int bit = 0; bit < message.length * 8; bit += 7) {
                assertThat(verifier.verify(key.publicKey(), flip(message, bit), signature)).as("message bit %d", bit).isFalse();
            }
            for (int bit = 0; bit < signature.length * 8; bit++) {
                assertThat(verifier.verify(key.publicKey(), message, flip(signature, bit))).as("signature bit %d", bit).isFalse();
            }
            byte[] raw = key.publicKey().raw();
            for (int bit = key.publicKey().algorithm() == Algorithm.ECDSA_P256 ? 8 : 0; bit < raw.length * 8; bit++) {
                PublicKeyRef tampered = new PublicKeyRef(key.publicKey().algorithm(), flip(raw, bit));
                assertThat(verifier.verify(tampered, message, signature)).as("key bit %d", bit).isFalse();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("verifiers")
    void anotherKeysSignatureIsRejected(SignatureVerifier verifier) {
        Random random = new Random(SEED);
        Ed25519SigningKey a = TestKeys.ed25519(random);
        Ed25519SigningKey b = TestKeys.ed25519(random);
        byte[] message = "same message".getBytes();
        assertThat(verifier.verify(b.publicKey(), message, a.sign(message))).isFalse();
    }

    @ParameterizedTest
    @MethodSource("verifiers")
    void nullsWrongLengthsAndBadRangesAreRejected(SignatureVerifier verifier) {
        SigningKey key = TestKeys.ed25519(new Random(SEED));
        byte[] message = "message".getBytes();
        byte[] signature = key.sign(message);
        assertThat(verifier.verify(null, message, signature)).isFalse();
        assertThat(verifier.verify(key.publicKey(), null, signature)).isFalse();
        assertThat(verifier.verify(key.publicKey(), message, null)).isFalse();
        for (int length : new int[] {0, 1, 32, 63, 65, 72, 128}) {
            assertThat(verifier.verify(key.publicKey(), message, new byte[length])).as("length %d", length).isFalse();
            assertThat(verifier.verify(key.publicKey(), message, java.util.Arrays.copyOf(signature, length))).isFalse();
        }
        assertThat(verifier.verify(key.publicKey(), message, -1, 3, signature)).isFalse();
        assertThat(verifier.verify(key.publicKey(), message, 0, message.length + 1, signature)).isFalse();
        assertThat(verifier.verify(key.publicKey(), message, 5, -1, signature)).isFalse();
        assertThat(verifier.verify(key.publicKey(), message, Integer.MAX_VALUE, 2, signature)).isFalse();
    }

    @ParameterizedTest
    @MethodSource("verifiers")
    void randomKeysAndSignaturesAreRejectedWithoutThrowing(SignatureVerifier verifier) {
        Random random = new Random(SEED);
        for (int round = 0; round < 200; round++) {
            Algorithm algorithm = round % 2 == 0 ? Algorithm.ED25519 : Algorithm.ECDSA_P256;
            byte[] raw = TestKeys.bytes(random, algorithm.keyBytes);
            if (algorithm == Algorithm.ECDSA_P256 && round % 4 == 1) {
                raw[0] = 0x04; // well-formed prefix, coordinates off the curve
            }
            PublicKeyRef key = new PublicKeyRef(algorithm, raw);
            byte[] message = TestKeys.bytes(random, random.nextInt(64));
            byte[] signature = TestKeys.bytes(random, random.nextInt(3) == 0 ? random.nextInt(100) : 64);
            assertThat(verifier.verify(key, message, signature)).as("round %d", round).isFalse();
        }
    }

    @ParameterizedTest
    @MethodSource("verifiers")
    void simulatedKeysAreNeverAccepted(SignatureVerifier verifier) {
        PublicKeyRef simulated = new PublicKeyRef(Algorithm.SIMULATED, new byte[8]);
        assertThat(verifier.verify(simulated, new byte[0], new byte[32])).isFalse();
        assertThat(verifier.verify(simulated, new byte[0], new byte[64])).isFalse();
    }

    @ParameterizedTest
    @MethodSource("verifiers")
    void malleatedEd25519SignatureWithSPlusOrderIsRejected(SignatureVerifier verifier) {
        SigningKey key = TestKeys.ed25519(new Random(SEED));
        byte[] message = "malleable?".getBytes();
        byte[] signature = key.sign(message);
        byte[] s = java.util.Arrays.copyOfRange(signature, 32, 64);
        BigInteger sPlusL = littleEndian(s).add(ED25519_ORDER);
        byte[] malleated = signature.clone();
        System.arraycopy(toLittleEndian(sPlusL), 0, malleated, 32, 32);
        assertThat(verifier.verify(key.publicKey(), message, malleated)).isFalse();
    }

    @ParameterizedTest
    @MethodSource("verifiers")
    void p256SignatureWithZeroOrOutOfRangeComponentsIsRejected(SignatureVerifier verifier) {
        EcdsaP256SigningKey key = EcdsaP256SigningKey.generate(TestKeys.secureRandom(SEED));
        byte[] message = "p256".getBytes();
        byte[] ones = new byte[64];
        java.util.Arrays.fill(ones, (byte) 0xff);
        assertThat(verifier.verify(key.publicKey(), message, new byte[64])).isFalse();
        assertThat(verifier.verify(key.publicKey(), message, ones)).isFalse();
    }

    /**
     * The small-order key "identity" with R = identity and S = 0 satisfies the cofactorless
     * verification equation for every message; the fast path must refuse such keys.
     */
    @org.junit.jupiter.api.Test
    void smallOrderEd25519KeyDoesNotVerifyEveryMessage() {
        PublicKeyRef identity = new PublicKeyRef(Algorithm.ED25519, Hex.parse("01" + "00".repeat(31)));
        byte[] signature = Hex.parse("01" + "00".repeat(63));
        assertThat(new StandardSignatureVerifier().verify(identity, "anything".getBytes(), signature)).isFalse();
    }

    private static byte[] flip(byte[] bytes, int bit) {
        byte[] copy = bytes.clone();
        copy[bit / 8] ^= (byte) (1 << (bit % 8));
        return copy;
    }

    private static BigInteger littleEndian(byte[] bytes) {
        byte[] big = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            big[i] = bytes[bytes.length - 1 - i];
        }
        return new BigInteger(1, big);
    }

    private static byte[] toLittleEndian(BigInteger value) {
        byte[] out = new byte[32];
        byte[] big = value.toByteArray();
        for (int i = 0; i < big.length && i < 32; i++) {
            out[i] = big[big.length - 1 - i];
        }
        return out;
    }
}
