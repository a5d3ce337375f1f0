package io.bastion.threshold;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A Fiat–Shamir transcript: a domain label and length-prefixed items hashed with SHA-512 into a
 * challenge scalar, so that proofs made for one purpose, key or replica are worthless for another.
 */
final class Transcript {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    Transcript(String domain) {
        add(domain.getBytes(StandardCharsets.UTF_8));
    }

    Transcript add(byte[] item) {
        bytes.writeBytes(new byte[] {(byte) (item.length >>> 24), (byte) (item.length >>> 16),
                (byte) (item.length >>> 8), (byte) item.length});
        bytes.writeBytes(item);
        return this;
    }

    Transcript add(String item) {
        return add(item.getBytes(StandardCharsets.UTF_8));
    }

    Transcript add(Element element) {
        return add(element.encode());
    }

    Transcript add(long value) {
        return add(BigInteger.valueOf(value).toByteArray());
    }

    /** The challenge: SHA-512 of the transcript, reduced modulo the group order (bias below 2^-250). */
    BigInteger challenge(Group group) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-512").digest(bytes.toByteArray());
            return new BigInteger(1, digest).mod(group.order());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-512", e);
        }
    }
}
