package io.bastion.threshold;

import org.bouncycastle.math.ec.ECPoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * edwards25519 on BouncyCastle's Weierstrass Curve25519: RFC 8032's public keys and base point,
 * round trips, agreement with the JDK's Ed25519 keys, and refusal of every encoding that is not
 * the canonical one of a prime-order element.
 */
class Ed25519GroupTest {
    private static final Ed25519Group GROUP = Ed25519Group.INSTANCE;
    private static final HexFormat HEX = HexFormat.of();

    record KeyVector(String name, String secretKey, String publicKey) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** RFC 8032 section 7.1, TEST 1 to 3. */
    static List<KeyVector> rfc8032Keys() {
        return List.of(
                new KeyVector("TEST 1", "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
                        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"),
                new KeyVector("TEST 2", "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
                        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"),
                new KeyVector("TEST 3", "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
                        "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rfc8032Keys")
    void theRfc8032PublicKeyIsTheSecretScalarTimesTheBasePoint(KeyVector vector) {
        BigInteger s = secretScalar(HEX.parseHex(vector.secretKey()));

        assertThat(HEX.formatHex(GROUP.base(s).encode())).isEqualTo(vector.publicKey());
        assertThat(GROUP.decode(HEX.parseHex(vector.publicKey()))).isEqualTo(GROUP.base(s));
    }

    @Test
    void theGeneratorIsRfc8032sBasePointAndTheOrderIsEll() {
        assertThat(HEX.formatHex(GROUP.generator().encode()))
                .isEqualTo("5866666666666666666666666666666666666666666666666666666666666666");
        assertThat(GROUP.order()).isEqualTo(BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493")));
    }

    @Test
    void theIdentityIsEdwardsZeroOneBothWays() {
        byte[] zeroOne = HEX.parseHex("0100000000000000000000000000000000000000000000000000000000000000");

        assertThat(GROUP.identity().encode()).isEqualTo(zeroOne);
        assertThat(GROUP.decode(zeroOne).isIdentity()).isTrue();
        assertThat(GROUP.base(GROUP.order()).encode()).isEqualTo(zeroOne);
    }

    @Test
    void thePointOfOrderTwoEncodesAsEdwardsZeroMinusOne() {
        assertThat(HEX.formatHex(GROUP.encodePoint(orderTwoPoint())))
                .isEqualTo("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
    }

    @Test
    void randomMultiplesRoundTripAndTheirNegationsFlipOnlyTheSignBit() {
        Random random = new Random(25519);
        for (int i = 0; i < 200; i++) {
            Element element = GROUP.base(new BigInteger(300, random));
            byte[] encoded = element.encode();
            Element decoded = GROUP.decode(encoded);

            assertThat(decoded).isEqualTo(element);
            assertThat(decoded.encode()).isEqualTo(encoded);
            assertThat(decoded.point().isValid()).isTrue();
            byte[] negated = encoded.clone();
            negated[31] ^= (byte) 0x80;
            assertThat(element.negate().encode()).isEqualTo(negated);
        }
    }

    @Test
    void decodedPointsAddAsTheirScalars() {
        Random random = new Random(7);
        for (int i = 0; i < 50; i++) {
            BigInteger a = new BigInteger(256, random);
            BigInteger b = new BigInteger(256, random);
            Element sum = GROUP.decode(GROUP.base(a).encode()).add(GROUP.decode(GROUP.base(b).encode()));

            assertThat(sum.encode()).isEqualTo(GROUP.base(a.add(b)).encode());
        }
    }

    @Test
    void jdkEd25519PublicKeysDecodeAndReencodeIdentically() throws Exception {
        SecureRandom seeded = SecureRandom.getInstance("SHA1PRNG");
        seeded.setSeed(25519L); // seeded before first use, so the keys are the same on every run
        KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
        generator.initialize(NamedParameterSpec.ED25519, seeded);
        for (int i = 0; i < 20; i++) {
            KeyPair pair = generator.generateKeyPair();
            byte[] encoded = pair.getPublic().getEncoded();
            byte[] raw = Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length); // X.509 ends with the key
            byte[] seed = ((EdECPrivateKey) pair.getPrivate()).getBytes().orElseThrow();

            assertThat(GROUP.decode(raw).encode()).isEqualTo(raw);
            assertThat(GROUP.base(secretScalar(seed)).encode()).isEqualTo(raw);
        }
    }

    @ParameterizedTest(name = "y = {0}")
    @ValueSource(strings = {
            "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // y = p, which would be 0
            "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // y = p + 1, which would be the identity
            "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"}) // y = 2^255 - 1
    void refusesYNotBelowP(String encoding) {
        assertThatThrownBy(() -> GROUP.decode(HEX.parseHex(encoding)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not below p");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "0100000000000000000000000000000000000000000000000000000000000080", // the identity with a set sign bit
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"}) // (0, -1) with a set sign bit
    void refusesASignBitOnXZero(String encoding) {
        assertThatThrownBy(() -> GROUP.decode(HEX.parseHex(encoding)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sign bit");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // (0, -1), order 2
            "0000000000000000000000000000000000000000000000000000000000000000", // order 4
            "0000000000000000000000000000000000000000000000000000000000000080", // order 4
            "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05", // order 8
            "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85", // order 8
            "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", // order 8
            "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa"}) // order 8
    void refusesSmallOrderPoints(String encoding) {
        assertThatThrownBy(() -> GROUP.decode(HEX.parseHex(encoding)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prime-order subgroup");
    }

    @Test
    void refusesAPointWithASmallOrderComponent() {
        byte[] mixed = GROUP.encodePoint(GROUP.generator().point().add(orderTwoPoint()));

        assertThatThrownBy(() -> GROUP.decode(mixed))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prime-order subgroup");
    }

    @Test
    void refusesAYWithNoPointOnTheCurve() {
        // (2² - 1) / (d·2² + 1) is not a square modulo p
        assertThatThrownBy(() -> GROUP.decode(HEX.parseHex("0200000000000000000000000000000000000000000000000000000000000000")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a point");
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 31, 33, 64})
    void refusesEncodingsOfTheWrongLength(int length) {
        assertThatThrownBy(() -> GROUP.decode(new byte[length]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32 bytes");
    }

    @Test
    void scalarsAreLittleEndianAndBelowTheOrder() {
        BigInteger largest = GROUP.order().subtract(BigInteger.ONE);

        assertThat(GROUP.decodeScalar(GROUP.encodeScalar(largest))).isEqualTo(largest);
        assertThat(GROUP.encodeScalar(BigInteger.ONE)[0]).isEqualTo((byte) 1);
        assertThatThrownBy(() -> GROUP.decodeScalar(Bytes.fixedLittleEndian(GROUP.order(), 32)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GROUP.decodeScalar(new byte[31])).isInstanceOf(IllegalArgumentException.class);
    }

    /** RFC 8032 section 5.1.5: the first half of SHA-512(secret key), pruned, as a little-endian integer. */
    static BigInteger secretScalar(byte[] secretKey) {
        byte[] h;
        try {
            h = MessageDigest.getInstance("SHA-512").digest(secretKey);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
        byte[] s = Arrays.copyOf(h, 32);
        s[0] &= (byte) 0xf8;
        s[31] &= 0x7f;
        s[31] |= 0x40;
        return Bytes.littleEndian(s);
    }

    /** The Weierstrass point (A/3, 0), which is the Montgomery (0, 0) and the Edwards (0, -1). */
    private static ECPoint orderTwoPoint() {
        var curve = GROUP.curve();
        BigInteger shift = curve.fromBigInteger(BigInteger.valueOf(486662))
                .divide(curve.fromBigInteger(BigInteger.valueOf(3))).toBigInteger();
        return curve.createPoint(shift, BigInteger.ZERO);
    }
}
