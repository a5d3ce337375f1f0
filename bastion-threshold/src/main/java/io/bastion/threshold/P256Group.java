package io.bastion.threshold;

import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.hash2curve.HashToCurveProfile;
import org.bouncycastle.crypto.hash2curve.HashToEllipticCurve;
import org.bouncycastle.math.ec.ECPoint;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * NIST P-256 (secp256r1), with the encodings of RFC 9591's FROST(P-256, SHA-256) suite: elements
 * as 33-byte compressed SEC1 points (the identity, which has no SEC1 form here, as 33 zero bytes),
 * scalars as 32 bytes big-endian. Hashing to the group is RFC 9380's P256_XMD:SHA-256_SSWU_RO_,
 * BouncyCastle's implementation.
 */
public final class P256Group extends Group {
    public static final P256Group INSTANCE = new P256Group();
    private static final int ELEMENT_BYTES = 33;
    /** Bytes of the uncompressed SEC1 form {@code 0x04 ‖ x ‖ y}, which some formats accept besides the element's own. */
    public static final int UNCOMPRESSED_BYTES = 65;
    private static final int SCALAR_BYTES = 32;

    /** BouncyCastle's hashers by domain separation tag; few tags are used, each made once. */
    private final java.util.concurrent.ConcurrentHashMap<String, HashToEllipticCurve> hashers =
            new java.util.concurrent.ConcurrentHashMap<>();

    private HashToEllipticCurve hasher(String dst) {
        if (hashers.size() > 64) {
            return HashToEllipticCurve.getInstance(HashToCurveProfile.P256_XMD_SHA_256, dst);
        }
        return hashers.computeIfAbsent(dst, d -> HashToEllipticCurve.getInstance(HashToCurveProfile.P256_XMD_SHA_256, d));
    }

    private P256Group() {
        this(CustomNamedCurves.getByName("secp256r1"));
    }

    private P256Group(X9ECParameters parameters) {
        super(parameters.getCurve(), parameters.getG(), parameters.getN());
    }

    @Override
    public String name() {
        return "P-256";
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
        return point.isInfinity() ? new byte[ELEMENT_BYTES] : point.getEncoded(true);
    }

    @Override
    ECPoint decodePoint(byte[] encoded) {
        if (encoded.length != ELEMENT_BYTES) {
            throw new IllegalArgumentException("a P-256 element is " + ELEMENT_BYTES + " bytes, not " + encoded.length);
        }
        if (Arrays.equals(encoded, new byte[ELEMENT_BYTES])) {
            return curve().getInfinity();
        }
        if (encoded[0] != 0x02 && encoded[0] != 0x03) {
            throw new IllegalArgumentException("not a compressed SEC1 point");
        }
        try {
            return curve().decodePoint(encoded); // checks x < p and that the point is on the curve (cofactor 1)
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a point of P-256: " + e.getMessage(), e);
        }
    }

    /**
     * The element an uncompressed SEC1 point names ({@code 0x04 ‖ x ‖ y}, 65 bytes), checked: x and y
     * below the field prime and on the curve (cofactor 1, so in the group). No square root, unlike
     * decoding the compressed form: a reader that is sent many points (a ballot's twenty) saves most
     * of what decoding them costs. Throws {@link IllegalArgumentException} saying why otherwise.
     */
    public Element decodeUncompressed(byte[] encoded) {
        if (encoded.length != UNCOMPRESSED_BYTES) {
            throw new IllegalArgumentException("an uncompressed P-256 point is " + UNCOMPRESSED_BYTES + " bytes, not "
                    + encoded.length);
        }
        if (encoded[0] != 0x04) {
            throw new IllegalArgumentException("not an uncompressed SEC1 point");
        }
        try {
            return new Element(this, curve().decodePoint(encoded)); // checks x, y < p and the curve equation
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a point of P-256: " + e.getMessage(), e);
        }
    }

    /** The uncompressed SEC1 form of an element other than the identity, which has none. */
    public byte[] encodeUncompressed(Element element) {
        ECPoint point = member(element).point();
        if (point.isInfinity()) {
            throw new IllegalArgumentException("the identity has no uncompressed SEC1 form");
        }
        return point.getEncoded(false);
    }

    @Override
    public byte[] encodeScalar(BigInteger scalar) {
        return Bytes.fixedBigEndian(reduce(scalar), SCALAR_BYTES);
    }

    @Override
    public BigInteger decodeScalar(byte[] encoded) {
        if (encoded.length != SCALAR_BYTES) {
            throw new IllegalArgumentException("a P-256 scalar is " + SCALAR_BYTES + " bytes, not " + encoded.length);
        }
        BigInteger s = new BigInteger(1, encoded);
        if (s.compareTo(order()) >= 0) {
            throw new IllegalArgumentException("scalar not below the group order");
        }
        return s;
    }

    /** RFC 9380 hash_to_curve with suite P256_XMD:SHA-256_SSWU_RO_ and domain separation tag {@code dst}. */
    public Element hashToCurve(byte[] message, String dst) {
        ECPoint p = hasher(dst).hashToCurve(message);
        // BouncyCastle's result lies on its own curve object; re-home it on ours.
        return new Element(this, curve().importPoint(p));
    }
}
