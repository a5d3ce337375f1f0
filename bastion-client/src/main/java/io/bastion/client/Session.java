package io.bastion.client;

/**
 * A dynamic client's session, as the replicas agreed on it when its Join executed: the client id
 * its requests carry from then on, and the identity the service gave its credentials.
 */
public record Session(long clientId, String identity) {
    public Session {
        java.util.Objects.requireNonNull(identity, "identity");
    }
}
