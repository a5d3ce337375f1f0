package io.bastion.net.handshake;

import io.bastion.net.Rejection;
import io.bastion.net.tls.TlsPeers;
import io.netty.channel.Channel;

import java.util.OptionalInt;

/**
 * Ties the signed handshake to the TLS connection it runs in: when the connection has TLS, the
 * replica the handshake names must be the replica whose certificate the TLS handshake
 * authenticated. A replica that presents another replica's certificate (it holds that replica's
 * key, or was started with the wrong one) is refused with an error that names both. Without TLS
 * there is nothing to compare. Stateless.
 */
final class TlsIdentityCheck {
    private TlsIdentityCheck() {}

    static void require(Channel channel, int named, String frame) throws HandshakeException {
        if (!TlsPeers.isTls(channel)) {
            return;
        }
        OptionalInt authenticated = TlsPeers.replicaOf(channel);
        if (authenticated.isEmpty()) {
            throw new HandshakeException(Rejection.HANDSHAKE_WRONG_ID,
                    frame + " from replica " + named + " over a TLS connection without a replica certificate");
        }
        if (authenticated.getAsInt() != named) {
            throw new HandshakeException(Rejection.HANDSHAKE_WRONG_ID, frame + " names replica " + named
                    + ", but the connection's TLS certificate is replica " + authenticated.getAsInt()
                    + "'s: replica " + named + " presented replica " + authenticated.getAsInt() + "'s certificate");
        }
    }
}
