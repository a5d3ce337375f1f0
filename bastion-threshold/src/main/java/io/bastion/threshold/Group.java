package io.bastion.threshold;

import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECPoint;

import java.math.BigInteger;
import java.security.SecureRandom;

/**
 * A prime-order group in which Bastion's threshold schemes work, with its canonical encodings.
 * Arithmetic is BouncyCastle's ({@link ECPoint}); a group adds only how elements and scalars are
 * written as bytes and checked when read. Elements are {@link Element}s of this group; scalars are
 * {@link BigInteger}s reduced modulo {@link #order()}. Immutable and thread-safe.
 */
public abstract sealed class Group permits P256Group, Ed25519Group {
    private final ECCurve curve;
    private final ECPoint generator;
    private final BigInteger order;

    Group(ECCurve curve, ECPoint generator, BigInteger order) {
        this.curve = curve;
        this.generator = generator.normalize();
        this.order = order;
    }

    /** The name of the group as the RFCs spell it ("P-256", "edwards25519"). */
    public abstract String name();

    /** Bytes of an encoded element. */
    public abstract int elementBytes();

    /** Bytes of an encoded scalar. */
    public abstract int scalarBytes();

    /** The canonical encoding of a point of this group (the identity included). */
    abstract byte[] encodePoint(ECPoint point);

    /**
     * The point an encoding names; throws {@link IllegalArgumentException} saying why when the
     * bytes are not the canonical encoding of an element of the prime-order group.
     */
    abstract ECPoint decodePoint(byte[] encoded);

    /** The canonical encoding of a scalar in [0, order). */
    public abstract byte[] encodeScalar(BigInteger scalar);

    /** The scalar an encoding names; throws {@link IllegalArgumentException} unless it is in [0, order). */
    public abstract BigInteger decodeScalar(byte[] encoded);

    public final BigInteger order() {
        return order;
    }

    final ECCurve curve() {
        return curve;
    }

    public final Element generator() {
        return new Element(this, generator);
    }

    public final Element identity() {
        return new Element(this, curve.getInfinity());
    }

    /** g^k, the generator times a scalar. */
    public final Element base(BigInteger scalar) {
        return generator().multiply(scalar);
    }

    /** The element an encoding names, checked (see {@link #decodePoint}). */
    public final Element decode(byte[] encoded) {
        return new Element(this, decodePoint(encoded));
    }

    /** A uniformly random scalar in [1, order). */
    public final BigInteger randomScalar(SecureRandom random) {
        BigInteger k;
        do {
            k = new BigInteger(order.bitLength() + 64, random).mod(order);
        } while (k.signum() == 0);
        return k;
    }

    /** {@code value} reduced into [0, order). */
    public final BigInteger reduce(BigInteger value) {
        return value.mod(order);
    }

    /** Checks that a decoded point lies in the prime-order subgroup (order · P = identity). */
    final ECPoint inPrimeOrderSubgroup(ECPoint point) {
        if (!point.multiply(order).isInfinity()) {
            throw new IllegalArgumentException("not in the prime-order subgroup of " + name());
        }
        return point;
    }

    @Override
    public String toString() {
        return name();
    }
}
