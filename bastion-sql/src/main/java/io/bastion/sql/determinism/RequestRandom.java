package io.bastion.sql.determinism;

import io.bastion.core.crypto.Digest;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The pseudo-random sequence behind SQL's {@code random()} and {@code randomblob()} in one request:
 * value {@code i} is SplitMix64 (Steele, Lea, Flood 2014) of {@code start + (i+1)·γ}, where
 * {@code start} is the first 8 bytes of SHA-256("bastion-sql-random" ‖ requestSeed). So it is a
 * function of the request's seed and the call's position only, and written out here rather than
 * taken from a JDK class whose algorithm could change between the JDKs of different replicas.
 * The domain prefix keeps it apart from the generator a service gets from {@code ServiceContext}.
 *
 * <p>Not thread-safe.
 */
final class RequestRandom {
    private static final byte[] DOMAIN = "bastion-sql-random".getBytes(StandardCharsets.US_ASCII);
    /** SplitMix64's increment: the odd integer closest to 2^64 / φ. */
    private static final long GAMMA = 0x9e3779b97f4a7c15L;

    private long state;

    RequestRandom(long requestSeed) {
        MessageDigest sha256 = Digest.newSha256();
        sha256.update(DOMAIN);
        sha256.update(ByteBuffer.allocate(Long.BYTES).putLong(requestSeed).array());
        this.state = ByteBuffer.wrap(sha256.digest()).getLong();
    }

    long nextLong() {
        state += GAMMA;
        long z = state;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** As SQLite's random(): never Long.MIN_VALUE, so that abs(random()) cannot overflow. */
    long nextSqlRandom() {
        long r = nextLong();
        return r < 0 ? -(r & Long.MAX_VALUE) : r;
    }

    byte[] nextBytes(int count) {
        byte[] bytes = new byte[count];
        for (int i = 0; i < count; i += Long.BYTES) {
            long r = nextLong();
            for (int j = 0; j < Long.BYTES && i + j < count; j++) {
                bytes[i + j] = (byte) (r >>> (Byte.SIZE * j));
            }
        }
        return bytes;
    }
}
