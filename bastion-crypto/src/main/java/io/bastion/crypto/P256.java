package io.bastion.crypto;

import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;

/**
 * The NIST P-256 curve (secp256r1) in both forms Bastion needs: the JDK's parameters, for signing
 * with the JDK provider (and verifying with it in cross-checks), and BouncyCastle's curve
 * arithmetic, for validating a raw point, deriving a public key from a private scalar and
 * verifying signatures ({@link P256Signatures}). Stateless and thread-safe.
 */
final class P256 {
    static final String JDK_CURVE_NAME = "secp256r1";
    static final int COORDINATE_BYTES = 32;
    /** The SEC1 prefix of an uncompressed point. */
    static final byte UNCOMPRESSED = 0x04;

    static final ECParameterSpec JDK_PARAMETERS = jdkParameters();
    private static final X9ECParameters CURVE = CustomNamedCurves.getByName(JDK_CURVE_NAME);

    private P256() {}

    private static ECParameterSpec jdkParameters() {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec(JDK_CURVE_NAME));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK provides " + JDK_CURVE_NAME, e);
        }
    }

    /** Whether {@code spec} describes P-256 (the JDK gives no equals on parameter specs). */
    static boolean isP256(ECParameterSpec spec) {
        return spec.getCurve().equals(JDK_PARAMETERS.getCurve())
                && spec.getGenerator().equals(JDK_PARAMETERS.getGenerator())
                && spec.getOrder().equals(JDK_PARAMETERS.getOrder())
                && spec.getCofactor() == JDK_PARAMETERS.getCofactor();
    }

    /**
     * The point an encoding names, re-encoded uncompressed (65 bytes), or an exception naming why it
     * is not a point of P-256 other than the point at infinity.
     */
    static byte[] validatedUncompressed(byte[] encoded) {
        return validatedPoint(encoded).getEncoded(false);
    }

    /** The point a compressed or uncompressed SEC1 encoding names, checked as {@link #validatedUncompressed} says. */
    static ECPoint validatedPoint(byte[] encoded) {
        if (encoded.length == 0 || encoded[0] == 0x06 || encoded[0] == 0x07) {
            throw new IllegalArgumentException("not a compressed or uncompressed SEC1 point");
        }
        ECPoint point = CURVE.getCurve().decodePoint(encoded); // checks that it lies on the curve
        if (point.isInfinity()) {
            throw new IllegalArgumentException("the point at infinity is not a public key");
        }
        return point;
    }

    /** BouncyCastle's P-256 parameters, with its specialised field arithmetic. */
    static X9ECParameters curve() {
        return CURVE;
    }

    /** The public point d·G, uncompressed. */
    static byte[] publicPoint(BigInteger privateScalar) {
        ECPoint point = new FixedPointCombMultiplier().multiply(CURVE.getG(), privateScalar).normalize();
        return point.getEncoded(false);
    }

    /** {@code value} as an unsigned big-endian number of exactly 32 bytes. */
    static byte[] coordinate(BigInteger value) {
        byte[] bytes = value.toByteArray();
        byte[] out = new byte[COORDINATE_BYTES];
        int length = Math.min(bytes.length, COORDINATE_BYTES);
        System.arraycopy(bytes, bytes.length - length, out, COORDINATE_BYTES - length, length);
        return out;
    }
}
