package io.bastion.core.auth;

import io.bastion.core.crypto.PublicKeyRef;

/**
 * Looks up a client's public key by id: the id → slot lookup that happens before any signature
 * check, so requests from unknown clients cost nothing. Thread-safe.
 */
@FunctionalInterface
public interface ClientKeys {
    /** The key of {@code clientId}, or {@code null} when no such client is known. */
    PublicKeyRef keyOf(long clientId);
}
