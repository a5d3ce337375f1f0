package io.bastion.threshold;

import org.bouncycastle.math.ec.ECAlgorithms;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECPoint;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

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

    /**
     * {@code elements}, the same values, in affine form, brought there together with one field
     * inversion instead of one each (encoding an element needs its affine form): for encoding many at once.
     */
    public final List<Element> normalizeAll(List<Element> elements) {
        ECPoint[] points = new ECPoint[elements.size()];
        for (int i = 0; i < points.length; i++) {
            points[i] = member(elements.get(i)).point();
        }
        curve.normalizeAll(points);
        List<Element> values = new ArrayList<>(points.length);
        for (ECPoint point : points) {
            values.add(new Element(this, point));
        }
        return values;
    }

    /** {@code a·p + b·q}, one of the values {@link #combineAll} computes. */
    public record Combination(BigInteger a, Element p, BigInteger b, Element q) {}

    /**
     * The value {@code a·p + b·q} of each combination, in order. Each is computed with both products
     * on one doubling chain (Shamir's trick, BouncyCastle's {@link ECAlgorithms#sumOfTwoMultiplies}),
     * and all are brought to affine form together, with one field inversion instead of one each. Much
     * faster than {@code p.multiply(a).add(q.multiply(b))}, but variable time: for public scalars only,
     * as when a verifier recomputes a proof's commitments, never for a secret.
     */
    public final List<Element> combineAll(List<Combination> combinations) {
        ECPoint[] points = new ECPoint[combinations.size()];
        for (int i = 0; i < points.length; i++) {
            Combination c = combinations.get(i);
            points[i] = ECAlgorithms.sumOfTwoMultiplies(member(c.p()).point(), reduce(c.a()), member(c.q()).point(),
                    reduce(c.b()));
        }
        curve.normalizeAll(points);
        List<Element> values = new ArrayList<>(points.length);
        for (ECPoint point : points) {
            values.add(new Element(this, point));
        }
        return values;
    }

    /** {@code scalar·element}, one term of a {@link #linearCombination}. */
    public record Term(BigInteger scalar, Element element) {}

    /**
     * {@code Σ scalar·element} over {@code terms} (the identity when there are none): a multi-scalar
     * multiplication, every product on one shared doubling chain (BouncyCastle's
     * {@link ECAlgorithms#sumOfMultiplies}, interleaved wNAF). Each scalar is first reduced to its
     * representative of least absolute value, in (−order/2, order/2], so a small negative scalar costs
     * as little as a small positive one. Checking many linear equations at once, as one random linear
     * combination of them, costs one such sum instead of two products per equation. Variable time: for
     * public scalars only.
     *
     * <p>BouncyCastle keeps the table of multiples it makes for a point on that point object. So that
     * the tables of points used once (a ballot's) do not live as long as their elements, the sum is
     * taken over fresh copies of the points; only the generator's table is kept.
     */
    public final Element linearCombination(List<Term> terms) {
        List<ECPoint> points = new ArrayList<>(terms.size());
        List<BigInteger> scalars = new ArrayList<>(terms.size());
        BigInteger half = order.shiftRight(1);
        for (Term term : terms) {
            ECPoint point = member(term.element()).point();
            BigInteger scalar = reduce(term.scalar());
            if (scalar.signum() == 0 || point.isInfinity()) {
                continue;
            }
            points.add(point == generator ? point
                    : curve.createPoint(point.getAffineXCoord().toBigInteger(), point.getAffineYCoord().toBigInteger()));
            scalars.add(scalar.compareTo(half) > 0 ? scalar.subtract(order) : scalar);
        }
        if (points.isEmpty()) {
            return identity();
        }
        return new Element(this, ECAlgorithms.sumOfMultiplies(points.toArray(ECPoint[]::new),
                scalars.toArray(BigInteger[]::new)));
    }

    /**
     * The sum of {@code elements} (the identity when there are none), normalised once at the end rather
     * than after every addition: what adding up many ciphertexts for a tally needs.
     */
    public final Element sum(List<Element> elements) {
        ECPoint total = curve.getInfinity();
        for (Element e : elements) {
            total = total.add(member(e).point());
        }
        return new Element(this, total);
    }

    Element member(Element e) {
        if (e.group() != this) {
            throw new IllegalArgumentException("an element of " + e.group() + " is not one of " + name());
        }
        return e;
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
