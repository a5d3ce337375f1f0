package io.bastion.core.message;

/**
 * The layout of a request's authenticator in MAC client mode: one tag per replica, in replica
 * order, each the first {@link #TAG_BYTES} bytes of HMAC-SHA256 under the client's session key
 * with that replica, over the request's canonical REQUEST encoding. A replica checks only its own.
 *
 * <p>Why 16-byte tags: a forger has a 2^-128 chance per try and cannot try offline (the key never
 * leaves its two ends); the authenticator of a 4-replica cluster is then 64 bytes, an Ed25519
 * signature's size. HMAC-SHA256-128 is RFC 4868's truncation.
 */
public final class Authenticators {
    /** Bytes of one replica's tag. */
    public static final int TAG_BYTES = 16;
    /** Most tags the codec accepts in one authenticator (a cluster of this many replicas). */
    public static final int TAGS_MAX = 1_024;

    private Authenticators() {}

    /** Where replica {@code replicaId}'s tag starts in an authenticator. */
    public static int tagOffset(int replicaId) {
        return replicaId * TAG_BYTES;
    }

    /** Whether {@code authenticator} has the length of a cluster of {@code n} replicas' tags. */
    public static boolean fits(byte[] authenticator, int n) {
        return authenticator.length == n * TAG_BYTES;
    }
}
