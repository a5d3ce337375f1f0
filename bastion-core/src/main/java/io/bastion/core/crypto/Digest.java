package io.bastion.core.crypto;

import io.bastion.core.util.Check;
import io.bastion.core.util.Hex;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A SHA-256 digest: immutable, compared by value. Identifies requests, batches, replies and
 * service state everywhere in the protocol.
 */
public final class Digest implements Comparable<Digest> {
    public static final int BYTES = 32;
    public static final Digest ZERO = new Digest(new byte[BYTES]);

    private final byte[] bytes;
    private final int hash;

    private Digest(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    /** Wraps 32 bytes (copied). */
    public static Digest of(byte[] bytes) {
        Check.argument(bytes.length == BYTES, "a digest has 32 bytes, got " + bytes.length);
        return new Digest(bytes.clone());
    }

    /** SHA-256 of the given bytes. */
    public static Digest sha256(byte[] data) {
        return new Digest(newSha256().digest(data));
    }

    /** SHA-256 of the concatenation of the given parts. */
    public static Digest sha256(byte[]... parts) {
        MessageDigest md = newSha256();
        for (byte[] part : parts) {
            md.update(part);
        }
        return new Digest(md.digest());
    }

    static Digest wrap(byte[] digestOutput) {
        return new Digest(digestOutput);
    }

    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
    }

    /** A copy of the 32 bytes. */
    public byte[] toBytes() {
        return bytes.clone();
    }

    /** Writes the 32 bytes into {@code target} at {@code offset}. */
    public void copyTo(byte[] target, int offset) {
        System.arraycopy(bytes, 0, target, offset, BYTES);
    }

    public void updateInto(MessageDigest md) {
        md.update(bytes);
    }

    public String hex() {
        return Hex.of(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Digest other && hash == other.hash && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public int compareTo(Digest o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    /** The first 8 hex digits: enough to tell digests apart in logs. */
    @Override
    public String toString() {
        return Hex.of(bytes).substring(0, 8);
    }
}
