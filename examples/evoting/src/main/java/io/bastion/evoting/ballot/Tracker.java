package io.bastion.evoting.ballot;

import io.bastion.core.util.Hex;

/**
 * A ballot's tracker: SHA-256 of its canonical bytes as 64 lowercase hex digits. The voter keeps it
 * and finds the ballot in the published record by it; it changes if any byte of the ballot does
 * (the signature is not part of those bytes).
 */
public record Tracker(String hex) {
    public Tracker {
        if (!hex.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("a tracker is 64 lowercase hex digits");
        }
    }

    /** The tracker of a ballot whose canonical bytes are {@code ballotBytes}. */
    public static Tracker of(byte[] ballotBytes) {
        return new Tracker(Hex.of(Credential.sha256(ballotBytes)));
    }

    @Override
    public String toString() {
        return hex;
    }
}
