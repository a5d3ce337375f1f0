package io.bastion.client;

/**
 * Something that happened to a dynamic client's session without the program asking: the
 * cluster ended it ({@link Kind#ENDED}), and the client joined again with the same credentials
 * ({@link Kind#REJOINED}) or could not ({@link Kind#REJOIN_FAILED}). Delivered to the listeners of
 * {@link BastionClient#onSessionEvent}.
 *
 * @param previousClientId the id of the session that ended
 * @param clientId         the new session's id after {@link Kind#REJOINED}, else the ended one's
 * @param reason           the replicas' reason for {@link Kind#ENDED} and {@link Kind#REJOIN_FAILED}; empty otherwise
 */
public record SessionEvent(Kind kind, long previousClientId, long clientId, String reason) {
    public enum Kind {
        /** f+1 replicas answered a request with "session ended". */
        ENDED,
        /** A new session was opened with the same credentials; the request is retried once in it. */
        REJOINED,
        /** Joining again failed; the request fails with {@link BastionException.SessionEnded}. */
        REJOIN_FAILED
    }
}
