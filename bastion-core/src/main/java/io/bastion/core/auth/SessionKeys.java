package io.bastion.core.auth;

/**
 * The HMAC session keys a replica holds for clients in MAC client mode, one per client id (set up
 * by a {@code SessionKey} message on the client's connection, dropped with it), as the
 * {@link MessageAuthenticator} needs them: to check this replica's own tag of a request.
 * Implementations compare tags in constant time. Thread-safe.
 */
@FunctionalInterface
public interface SessionKeys {
    /** The outcome of checking one tag. */
    enum TagCheck {
        VALID,
        /** A key is held for the client and the tag is not its tag. */
        BAD_TAG,
        /** No key is held for the client (it never sent one here, or its connection closed). */
        NO_KEY
    }

    /** A replica that holds no keys: every MAC-mode request is {@link TagCheck#NO_KEY}. */
    SessionKeys NONE = (clientId, encoding, authenticator, offset) -> TagCheck.NO_KEY;

    /**
     * Checks the tag at {@code authenticator[offset, offset + Authenticators.TAG_BYTES)} against
     * {@code encoding} under the key held for {@code clientId}.
     */
    TagCheck check(long clientId, byte[] encoding, byte[] authenticator, int offset);
}
