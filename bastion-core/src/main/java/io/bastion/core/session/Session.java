package io.bastion.core.session;

import io.bastion.core.crypto.PublicKeyRef;

/**
 * A live session of a dynamic client: the id the Join assigned, the identity the service gave its
 * credentials, its key, and times on the agreed clock. Part of the replicated state.
 */
public record Session(long clientId, String identity, PublicKeyRef key, long joinedMillis, long lastActiveMillis) {
    public Session {
        java.util.Objects.requireNonNull(identity, "identity");
        java.util.Objects.requireNonNull(key, "key");
    }

    Session touched(long nowMillis) {
        return new Session(clientId, identity, key, joinedMillis, Math.max(lastActiveMillis, nowMillis));
    }
}
