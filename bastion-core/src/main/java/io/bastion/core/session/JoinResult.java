package io.bastion.core.session;

/**
 * The answer to an accepted Join: the client id every replica assigned and the identity the
 * service's authorization gave the credentials. Encoded by {@code Codec.encodeJoinResult}; a
 * refused Join is answered with a {@code REFUSED} reply carrying the reason instead.
 */
public record JoinResult(long clientId, String identity) {
    public JoinResult {
        java.util.Objects.requireNonNull(identity, "identity");
    }
}
