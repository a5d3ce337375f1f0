package io.bastion.evoting.ballot;

import io.bastion.threshold.Group;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** lp(x) = u32be(length of x) ‖ x, and Hq: SHA-512 over lp-framed parts, reduced modulo the group order. */
final class LengthPrefixed {
    private LengthPrefixed() {}

    static void write(ByteArrayOutputStream out, byte[] item) {
        out.writeBytes(u32(item.length));
        out.writeBytes(item);
    }

    static byte[] u32(long value) {
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
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
