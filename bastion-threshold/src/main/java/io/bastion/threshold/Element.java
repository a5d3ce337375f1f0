package io.bastion.threshold;

import org.bouncycastle.math.ec.ECPoint;

import java.math.BigInteger;
import java.util.Arrays;

/** An element of a {@link Group}; immutable. Equal elements have equal encodings. */
public final class Element {
    private final Group group;
    private final ECPoint point;

    Element(Group group, ECPoint point) {
        this.group = group;
        this.point = point.normalize();
    }

    public Group group() {
        return group;
    }

    ECPoint point() {
        return point;
    }

    public Element add(Element other) {
        return new Element(group, point.add(sameGroup(other).point));
    }

    public Element subtract(Element other) {
        return new Element(group, point.subtract(sameGroup(other).point));
    }

    public Element negate() {
        return new Element(group, point.negate());
    }

    public Element multiply(BigInteger scalar) {
        BigInteger k = group.reduce(scalar);
        return new Element(group, k.signum() == 0 ? group.curve().getInfinity() : point.multiply(k));
    }

    public boolean isIdentity() {
        return point.isInfinity();
    }

    public byte[] encode() {
        return group.encodePoint(point);
    }

    private Element sameGroup(Element other) {
        if (other.group != group) {
            throw new IllegalArgumentException("elements of " + group + " and " + other.group + " do not mix");
        }
        return other;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Element e && e.group == group && e.point.equals(point);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encode());
    }

    @Override
    public String toString() {
        return group + ":" + io.bastion.core.util.Hex.of(encode());
    }
}
