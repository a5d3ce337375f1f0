package io.bastion.crypto;

import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.crypto.PublicKeyRef.Algorithm;
import io.bastion.core.util.Hex;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.junit.jupiter.api.Test;

import java.security.InvalidKeyException;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** PublicKeyRef to X.509 DER to base64 and back, and the refusals with their reasons. */
class PublicKeysTest {
    private static final String RFC8032_TEST1_PUBLIC = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

    @Test
    void ed25519EncodesAsRfc8410SubjectPublicKeyInfo() {
        PublicKeyRef key = new PublicKeyRef(Algorithm.ED25519, Hex.parse(RFC8032_TEST1_PUBLIC));
        assertThat(Hex.of(PublicKeys.toX509(key))).isEqualTo("302a300506032b6570032100" + RFC8032_TEST1_PUBLIC);
        assertThat(PublicKeys.toBase64(key)).startsWith("MCowBQYDK2VwAyEA");
    }

    @Test
    void p256EncodesAsNamedCurveUncompressedPoint() {
        PublicKeyRef key = EcdsaP256SigningKey.generate(TestKeys.secureRandom(1)).publicKey();
        assertThat(Hex.of(PublicKeys.toX509(key)))
                .isEqualTo("3059301306072a8648ce3d020106082a8648ce3d030107034200" + Hex.of(key.raw()));
    }

    @Test
    void bothAlgorithmsRoundTripThroughDerBase64AndJdk() throws Exception {
        PublicKeyRef ed = TestKeys.ed25519(new Random(1)).publicKey();
        PublicKeyRef p256 = EcdsaP256SigningKey.generate(TestKeys.secureRandom(2)).publicKey();
        for (PublicKeyRef key : new PublicKeyRef[] {ed, p256}) {
            assertThat(PublicKeys.fromX509(PublicKeys.toX509(key))).isEqualTo(key);
            assertThat(PublicKeys.fromBase64(PublicKeys.toBase64(key))).isEqualTo(key);
            assertThat(PublicKeys.fromJdk(PublicKeys.toJdk(key))).isEqualTo(key);
        }
    }

    @Test
    void compressedP256KeyIsReadAsItsUncompressedPoint() throws Exception {
        PublicKeyRef key = EcdsaP256SigningKey.generate(TestKeys.secureRandom(3)).publicKey();
        byte[] compressed = CustomNamedCurves.getByName("secp256r1").getCurve().decodePoint(key.raw()).getEncoded(true);
        byte[] der = new SubjectPublicKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey,
                X9ObjectIdentifiers.prime256v1), compressed).getEncoded();
        assertThat(PublicKeys.fromX509(der)).isEqualTo(key);
    }

    @Test
    void otherAlgorithmsAndCurvesAreRefusedByName() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        byte[] rsaDer = rsa.generateKeyPair().getPublic().getEncoded();
        assertThatThrownBy(() -> PublicKeys.fromX509(rsaDer)).isInstanceOf(InvalidKeyException.class)
                .hasMessageContaining("unsupported key algorithm 1.2.840.113549.1.1.1");

        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp384r1"));
        byte[] p384Der = ec.generateKeyPair().getPublic().getEncoded();
        assertThatThrownBy(() -> PublicKeys.fromX509(p384Der)).isInstanceOf(InvalidKeyException.class)
                .hasMessageContaining("curve 1.3.132.0.34").hasMessageContaining("P-256 only");
    }

    @Test
    void malformedEncodingsAreRefusedWithAReason() {
        byte[] valid = PublicKeys.toX509(TestKeys.ed25519(new Random(4)).publicKey());
        byte[] trailing = java.util.Arrays.copyOf(valid, valid.length + 1);
        byte[] truncated = java.util.Arrays.copyOf(valid, valid.length - 1);
        for (byte[] der : new byte[][] {new byte[0], {0x30, 0x00}, truncated, trailing, TestKeys.bytes(new Random(5), 44)}) {
            assertThatThrownBy(() -> PublicKeys.fromX509(der)).isInstanceOf(InvalidKeyException.class)
                    .hasMessageContaining("not a DER-encoded X.509 SubjectPublicKeyInfo");
        }
        assertThatThrownBy(() -> PublicKeys.fromBase64("MCow!!")).hasMessageContaining("not valid base64");
    }

    @Test
    void invalidPointsAreRefused() {
        String identity = "01" + "00".repeat(31);
        assertThatThrownBy(() -> PublicKeys.fromX509(Hex.parse("302a300506032b6570032100" + identity)))
                .isInstanceOf(InvalidKeyException.class).hasMessageContaining("not a valid Ed25519 public key");
        byte[] offCurve = new byte[65];
        offCurve[0] = 0x04;
        offCurve[64] = 1;
        assertThatThrownBy(() -> PublicKeys.validated(Algorithm.ECDSA_P256, offCurve))
                .isInstanceOf(InvalidKeyException.class).hasMessageContaining("not a valid P-256 public key");
        assertThatThrownBy(() -> PublicKeys.validated(Algorithm.SIMULATED, new byte[8]))
                .hasMessageContaining("tests only");
        assertThatThrownBy(() -> PublicKeys.validated(Algorithm.ED25519, new byte[31]))
                .hasMessageContaining("must have 32 bytes, got 31");
    }
}
