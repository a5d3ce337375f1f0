package io.bastion.server.runtime;

/**
 * Why a replica dropped a Join from a client before ordering it ({@link JoinScreen}); counted by
 * reason in {@link RuntimeStats#joinsRefused()}.
 */
public enum JoinRefusal {
    /** Its operation is not a well-formed Join (the authenticator lets none through). */
    MALFORMED,
    /** A challenge naming this replica does not verify under this replica's key. */
    OWN_CHALLENGE_FORGED,
    /** A challenge naming this replica was issued to another key or nonce. */
    OWN_CHALLENGE_MISBOUND,
    /** A challenge naming this replica expired (beyond the clock skew). */
    OWN_CHALLENGE_EXPIRED,
    /** Fewer than 2f+1 distinct replicas' challenges could pass at execution. */
    TOO_FEW_CHALLENGES
}
