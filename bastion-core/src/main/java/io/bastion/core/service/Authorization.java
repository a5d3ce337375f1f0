package io.bastion.core.service;

/**
 * A service's verdict on a Join's credentials: the identity they stand for, or a refusal whose
 * reason reaches the client. Must be deterministic, as everything a service decides.
 */
public sealed interface Authorization {
    /** The credentials are good; {@code identity} names who they belong to (one live session each). */
    record Accepted(String identity) implements Authorization {
        public Accepted {
            java.util.Objects.requireNonNull(identity, "identity");
            if (identity.isEmpty() || identity.length() > IDENTITY_CHARS_MAX) {
                throw new IllegalArgumentException("an identity has 1.." + IDENTITY_CHARS_MAX + " characters");
            }
        }
    }

    /** The credentials are not good; {@code reason} is told to the client. */
    record Refused(String reason) implements Authorization {
        public Refused {
            java.util.Objects.requireNonNull(reason, "reason");
        }
    }

    /** Longest identity a service may assign. */
    int IDENTITY_CHARS_MAX = 256;

    static Authorization accept(String identity) {
        return new Accepted(identity);
    }

    static Authorization refuse(String reason) {
        return new Refused(reason);
    }

    /**
     * For open demo and benchmark services: the credentials, as UTF-8, are the identity; empty or
     * overlong credentials are refused.
     */
    static Authorization credentialsAsIdentity(byte[] credentials) {
        String identity = new String(credentials, java.nio.charset.StandardCharsets.UTF_8);
        if (identity.isBlank() || identity.length() > IDENTITY_CHARS_MAX) {
            return refuse("credentials must name an identity of 1.." + IDENTITY_CHARS_MAX + " characters");
        }
        return accept(identity);
    }
}
