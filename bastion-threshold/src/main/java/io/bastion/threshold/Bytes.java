package io.bastion.threshold;

import java.math.BigInteger;

/** Fixed-length integer encodings. */
final class Bytes {
    private Bytes() {}

    /** {@code value} (non-negative, below 2^(8·length)) as exactly {@code length} big-endian bytes. */
    static byte[] fixedBigEndian(BigInteger value, int length) {
        byte[] raw = value.toByteArray();
        byte[] out = new byte[length];
        int copy = Math.min(raw.length, length);
        if (raw.length > length && !(raw.length == length + 1 && raw[0] == 0)) {
            throw new IllegalArgumentException("value does not fit in " + length + " bytes");
        }
        System.arraycopy(raw, raw.length - copy, out, length - copy, copy);
        return out;
    }

    /** {@code value} as exactly {@code length} little-endian bytes. */
    static byte[] fixedLittleEndian(BigInteger value, int length) {
        return reverse(fixedBigEndian(value, length));
    }

    /** The non-negative integer of little-endian bytes. */
    static BigInteger littleEndian(byte[] bytes) {
        return new BigInteger(1, reverse(bytes));
    }

    static byte[] reverse(byte[] bytes) {
        byte[] out = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[bytes.length - 1 - i];
        }
        return out;
    }
}
