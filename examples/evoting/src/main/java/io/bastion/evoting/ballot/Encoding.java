package io.bastion.evoting.ballot;

import io.bastion.threshold.Group;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The byte encodings of docs/ballots.md: lp(x) = u32be(length of x) ‖ x, u32be, u64be, fixed-width
 * unsigned big-endian integers, and Hq (SHA-512 over lp-framed parts, reduced modulo the group order).
 */
final class Encoding {
    private Encoding() {}

    static void write(ByteArrayOutputStream out, byte[] item) {
        out.writeBytes(u32(item.length));
        out.writeBytes(item);
    }

    static byte[] u32(long value) {
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }

    /** {@code value} (non-negative, below 2^(8·length)) as exactly {@code length} big-endian bytes. */
    static byte[] unsigned(BigInteger value, int length) {
        if (value.signum() < 0 || value.bitLength() > 8 * length) {
            throw new IllegalArgumentException("does not fit " + length + " bytes unsigned");
        }
        byte[] raw = value.toByteArray();
        byte[] out = new byte[length];
        int copy = Math.min(raw.length, length);
        System.arraycopy(raw, raw.length - copy, out, length - copy, copy);
        return out;
    }

    static byte[] u64(long value) {
        byte[] out = new byte[8];
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) (value >>> (56 - 8 * i));
        }
        return out;
    }

    /** A running Hq(part₁, part₂, …). Not thread-safe; one per hash. */
    static final class Hash {
        private final MessageDigest sha512;

        Hash() {
            try {
                sha512 = MessageDigest.getInstance("SHA-512");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JDK has SHA-512", e);
            }
        }

        Hash add(byte[] part) {
            sha512.update(u32(part.length));
            sha512.update(part);
            return this;
        }

        /** The digest as an unsigned big-endian integer, modulo the group's order. */
        BigInteger toScalar(Group group) {
            return new BigInteger(1, sha512.digest()).mod(group.order());
        }
    }
}
