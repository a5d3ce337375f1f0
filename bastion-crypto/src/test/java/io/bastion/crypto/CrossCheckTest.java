package io.bastion.crypto;

import io.bastion.core.crypto.SignatureVerifier;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The BouncyCastle fast path and the JDK provider check each other on seeded random keys and
 * messages: Ed25519 is deterministic, so both must produce the same bytes, and each verifier
 * must accept the other's signatures.
 */
class CrossCheckTest {
    private static final long SEED = 20240601L;
    private static final int ROUNDS = 64;
    private final SignatureVerifier fast = new StandardSignatureVerifier();
    private final SignatureVerifier jdk = new JdkSignatureVerifier();

    @Test
    void bothEd25519ImplementationsDeriveTheSameKeyAndSignatureAndVerifyEachOther() {
        Random random = new Random(SEED);
        for (int round = 0; round < ROUNDS; round++) {
            byte[] seed = TestKeys.bytes(random, 32);
            byte[] message = TestKeys.bytes(random, random.nextInt(2048));
            Ed25519SigningKey bc = Ed25519SigningKey.fromSeed(seed);
            JdkEd25519SigningKey jdkKey = JdkEd25519SigningKey.fromSeed(seed);
            assertThat(jdkKey.publicKey()).as("round %d", round).isEqualTo(bc.publicKey());

            byte[] bcSignature = bc.sign(message);
            byte[] jdkSignature = jdkKey.sign(message);
            assertThat(jdkSignature).as("round %d", round).isEqualTo(bcSignature);
            assertThat(jdk.verify(bc.publicKey(), message, bcSignature)).as("JDK verifies BC, round %d", round).isTrue();
            assertThat(fast.verify(jdkKey.publicKey(), message, jdkSignature)).as("BC verifies JDK, round %d", round).isTrue();
        }
    }

    @Test
    void generatedKeysOfEitherImplementationWorkWithTheOther() {
        Ed25519SigningKey bc = Ed25519SigningKey.generate(TestKeys.secureRandom(SEED));
        JdkEd25519SigningKey jdkKey = JdkEd25519SigningKey.generate(TestKeys.secureRandom(SEED + 1));
        byte[] message = "generated".getBytes();
        assertThat(jdk.verify(bc.publicKey(), message, bc.sign(message))).isTrue();
        assertThat(fast.verify(jdkKey.publicKey(), message, jdkKey.sign(message))).isTrue();
        assertThat(Ed25519SigningKey.fromSeed(bc.seed()).publicKey()).isEqualTo(bc.publicKey());
    }

    @Test
    void p256SignaturesVerifyWithBothVerifiersAndAreP1363() {
        Random random = new Random(SEED);
        EcdsaP256SigningKey key = EcdsaP256SigningKey.generate(TestKeys.secureRandom(SEED));
        assertThat(key.publicKey().raw()).hasSize(65).startsWith(0x04);
        for (int round = 0; round < ROUNDS / 4; round++) {
            byte[] message = TestKeys.bytes(random, random.nextInt(2048));
            byte[] signature = key.sign(message);
            assertThat(signature).hasSize(64);
            assertThat(fast.verify(key.publicKey(), message, signature)).as("round %d", round).isTrue();
            assertThat(jdk.verify(key.publicKey(), message, signature)).as("round %d", round).isTrue();
        }
    }

    @Test
    void offsetVariantVerifiesExactlyTheSlice() {
        Ed25519SigningKey key = TestKeys.ed25519(new Random(SEED));
        byte[] frame = TestKeys.bytes(new Random(SEED + 2), 300);
        byte[] slice = java.util.Arrays.copyOfRange(frame, 17, 217);
        byte[] signature = key.sign(slice);
        for (SignatureVerifier verifier : new SignatureVerifier[] {fast, jdk}) {
            assertThat(verifier.verify(key.publicKey(), frame, 17, 200, signature)).isTrue();
            assertThat(verifier.verify(key.publicKey(), frame, 16, 200, signature)).isFalse();
            assertThat(verifier.verify(key.publicKey(), frame, 17, 201, signature)).isFalse();
        }
    }
}
