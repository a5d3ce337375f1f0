package io.bastion.evoting.ballot;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bounded memo of ballots found valid, for the replicas' check of a batch's ballots together
 * ({@link BallotVerifier#verifyTogether}) ahead of each ballot's own check ({@link BallotVerifier#verify}).
 * A ballot is known by SHA-256 of everything its validity depends on: its election's parameters
 * and its credential ({@link BallotParameters#context}), its canonical bytes and its signature. Its
 * validity is a function of those alone, so finding it here gives exactly the verdict checking it
 * again would: the replicas' verdicts stay the same whatever each one's memo holds. Also remembers,
 * as bounded, the credentials whose ballots failed their proofs, which are left out of batches (so
 * that one faulty voter cannot make a whole batch be checked twice, again and again). Least recently
 * used entries leave first. Thread-safe.
 */
final class VerifiedBallots {
    /** Ballots remembered as valid: a few batches' worth. */
    static final int VALID_MAX = 4_096;
    /** Credentials remembered as having cast a ballot whose proofs fail. */
    static final int SUSPECTS_MAX = 1_024;

    private final Map<ByteBuffer, Boolean> valid = lru(VALID_MAX);
    private final Map<ByteBuffer, Boolean> suspects = lru(SUSPECTS_MAX);

    private static Map<ByteBuffer, Boolean> lru(int max) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Boolean> eldest) {
                return size() > max;
            }
        };
    }

    /** What {@code ballot} is known by under {@code parameters}. */
    static ByteBuffer key(BallotParameters parameters, EncryptedBallot ballot) {
        MessageDigest digest = sha256();
        for (byte[] part : new byte[][] {parameters.context(ballot.credential()), ballot.bytes(), ballot.signature()}) {
            digest.update(Encoding.u32(part.length));
            digest.update(part);
        }
        return ByteBuffer.wrap(digest.digest());
    }

    synchronized boolean isValid(ByteBuffer key) {
        return valid.get(key) != null;
    }

    synchronized void addValid(ByteBuffer key) {
        valid.put(key, Boolean.TRUE);
    }

    synchronized boolean isSuspect(Credential credential) {
        return suspects.get(ByteBuffer.wrap(credential.bytes())) != null;
    }

    synchronized void addSuspect(Credential credential) {
        suspects.put(ByteBuffer.wrap(credential.bytes()), Boolean.TRUE);
    }

    synchronized int validCount() {
        return valid.size();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
