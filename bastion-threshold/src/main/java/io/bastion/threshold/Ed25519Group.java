package io.bastion.threshold;

import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECFieldElement;
import org.bouncycastle.math.ec.ECPoint;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * edwards25519, the group of Ed25519 (RFC 8032), with the encodings of RFC 9591's
 * FROST(Ed25519, SHA-512) suite: elements as RFC 8032 32-byte points, scalars as 32 bytes
 * little-endian. Arithmetic runs on BouncyCastle's Weierstrass form of Curve25519; this class only
 * converts encodings (the birational maps of RFC 7748 between the forms).
 *
 * <p>The three forms and the maps used, with A = 486662 and p = 2^255 - 19:
 * <ul>
 *   <li>Weierstrass (BouncyCastle) (X, Y) and Montgomery (u, v): X = u + A/3, Y = v;</li>
 *   <li>Montgomery and twisted Edwards (x, y): x = r·u/v, y = (u-1)/(u+1), and back
 *       u = (1+y)/(1-y), v = r·u/x, where r is the square root of -(A+2) that sends
 *       BouncyCastle's base point to RFC 8032's B.</li>
 * </ul>
 * The maps are undefined only at v = 0 or x = 0: the Edwards identity (0, 1) is the point at
 * infinity, and the Edwards point (0, -1) of order 2 is the Montgomery point (0, 0).
 *
 * <p>Decoding accepts only canonical encodings (y below p, no "negative zero" x) of points in the
 * prime-order subgroup, so every {@link Element} of this group has order 1 or ℓ. Immutable and
 * thread-safe.
 */
public final class Ed25519Group extends Group {
    private static final int ELEMENT_BYTES = 32;
    private static final int SCALAR_BYTES = 32;
    private static final BigInteger MONTGOMERY_A = BigInteger.valueOf(486662);
    /** RFC 8032's base point B, encoded: y = 4/5, x even. */
    private static final String RFC8032_BASE_POINT =
            "5866666666666666666666666666666666666666666666666666666666666666";

    /** Declared after the constants its constructor reads, which static initialisation needs. */
    public static final Ed25519Group INSTANCE = new Ed25519Group();

    private final BigInteger p;
    private final ECFieldElement one;
    /** A/3, the shift between Montgomery u and Weierstrass X. */
    private final ECFieldElement shift;
    /** d = -121665/121666, of the Edwards curve -x² + y² = 1 + d·x²·y². */
    private final ECFieldElement edwardsD;
    /** r, the root of -(A+2) that scales between Montgomery v and Edwards x. */
    private final ECFieldElement root;

    private Ed25519Group() {
        this(CustomNamedCurves.getByName("curve25519"));
    }

    private Ed25519Group(X9ECParameters parameters) {
        super(parameters.getCurve(), parameters.getG(), parameters.getN());
        p = curve().getField().getCharacteristic();
        one = field(BigInteger.ONE);
        shift = field(MONTGOMERY_A).divide(field(BigInteger.valueOf(3)));
        edwardsD = field(BigInteger.valueOf(-121665)).divide(field(BigInteger.valueOf(121666)));
        root = baseSendingRoot(field(MONTGOMERY_A.add(BigInteger.TWO).negate()).sqrt());
    }

    /**
     * Of the two roots ±r, the one whose map sends BouncyCastle's base point to RFC 8032's B (the
     * other sends it to -B); fails loudly if neither does, as then the curves are not the same.
     */
    private ECFieldElement baseSendingRoot(ECFieldElement candidate) {
        byte[] expected = HexFormat.of().parseHex(RFC8032_BASE_POINT);
        ECPoint base = generator().point();
        for (ECFieldElement r : new ECFieldElement[] {candidate, candidate.negate()}) {
            if (Arrays.equals(encodeWith(r, base), expected)) {
                return r;
            }
        }
        throw new IllegalStateException("BouncyCastle's curve25519 base point is not RFC 8032's B");
    }

    @Override
    public String name() {
        return "edwards25519";
    }

    @Override
    public int elementBytes() {
        return ELEMENT_BYTES;
    }

    @Override
    public int scalarBytes() {
        return SCALAR_BYTES;
    }

    @Override
    byte[] encodePoint(ECPoint point) {
        return encodeWith(root, point);
    }

    /** RFC 8032 section 5.1.2, after mapping the Weierstrass point to Edwards with root {@code r}. */
    private byte[] encodeWith(ECFieldElement r, ECPoint point) {
        ECFieldElement x;
        ECFieldElement y;
        ECPoint affine = point.normalize();
        if (affine.isInfinity()) {
            x = field(BigInteger.ZERO);
            y = one;
        } else {
            ECFieldElement u = affine.getAffineXCoord().subtract(shift);
            ECFieldElement v = affine.getAffineYCoord();
            if (v.isZero()) { // the Montgomery point (0, 0), of order 2; the only one with v = 0
                x = field(BigInteger.ZERO);
                y = one.negate();
            } else {
                x = r.multiply(u).divide(v);
                y = u.subtract(one).divide(u.add(one)); // u = -1 is on no Curve25519 point (A-2 is not a square)
            }
        }
        byte[] encoded = Bytes.fixedLittleEndian(y.toBigInteger(), ELEMENT_BYTES);
        if (x.testBitZero()) {
            encoded[ELEMENT_BYTES - 1] |= (byte) 0x80;
        }
        return encoded;
    }

    /** RFC 8032 section 5.1.3, then the map to Weierstrass and the subgroup check. */
    @Override
    ECPoint decodePoint(byte[] encoded) {
        if (encoded.length != ELEMENT_BYTES) {
            throw new IllegalArgumentException("an edwards25519 element is " + ELEMENT_BYTES + " bytes, not " + encoded.length);
        }
        boolean xOdd = (encoded[ELEMENT_BYTES - 1] & 0x80) != 0;
        byte[] yBytes = encoded.clone();
        yBytes[ELEMENT_BYTES - 1] &= 0x7f;
        BigInteger yValue = Bytes.littleEndian(yBytes);
        if (yValue.compareTo(p) >= 0) {
            throw new IllegalArgumentException("not a canonical edwards25519 encoding: y is not below p");
        }
        ECFieldElement y = field(yValue);
        ECFieldElement x = recoverX(y);
        if (x.isZero() && xOdd) {
            throw new IllegalArgumentException("not a canonical edwards25519 encoding: x is 0 but its sign bit is set");
        }
        if (x.testBitZero() != xOdd) {
            x = x.negate();
        }
        return inPrimeOrderSubgroup(toWeierstrass(x, y));
    }

    /** One x with -x² + y² = 1 + d·x²·y², that is x² = (y² - 1) / (d·y² + 1). */
    private ECFieldElement recoverX(ECFieldElement y) {
        ECFieldElement ySquared = y.square();
        // d·y² + 1 is never 0: -1/d is not a square modulo p.
        ECFieldElement xSquared = ySquared.subtract(one).divide(edwardsD.multiply(ySquared).add(one));
        ECFieldElement x = xSquared.sqrt();
        if (x == null) {
            throw new IllegalArgumentException("not a point of edwards25519: no x for this y");
        }
        return x;
    }

    private ECPoint toWeierstrass(ECFieldElement x, ECFieldElement y) {
        if (x.isZero()) {
            // y² = 1: the identity (0, 1) or (0, -1) of order 2, which the subgroup check rejects.
            return y.equals(one) ? curve().getInfinity() : curve().createPoint(shift.toBigInteger(), BigInteger.ZERO);
        }
        ECFieldElement u = one.add(y).divide(one.subtract(y)); // y = 1 only with x = 0
        ECFieldElement v = root.multiply(u).divide(x);
        return curve().createPoint(u.add(shift).toBigInteger(), v.toBigInteger());
    }

    private ECFieldElement field(BigInteger value) {
        return curve().fromBigInteger(value.mod(p));
    }

    @Override
    public byte[] encodeScalar(BigInteger scalar) {
        return Bytes.fixedLittleEndian(reduce(scalar), SCALAR_BYTES);
    }

    @Override
    public BigInteger decodeScalar(byte[] encoded) {
        if (encoded.length != SCALAR_BYTES) {
            throw new IllegalArgumentException("an edwards25519 scalar is " + SCALAR_BYTES + " bytes, not " + encoded.length);
        }
        BigInteger s = Bytes.littleEndian(encoded);
        if (s.compareTo(order()) >= 0) {
            throw new IllegalArgumentException("scalar not below the group order");
        }
        return s;
    }
}
