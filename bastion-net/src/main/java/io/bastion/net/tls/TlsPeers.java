package io.bastion.net.tls;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;

import javax.net.ssl.SSLPeerUnverifiedException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.OptionalInt;

/** What a finished TLS handshake established about the other end of a connection. Stateless. */
public final class TlsPeers {
    private TlsPeers() {}

    /**
     * The replica that {@code channel}'s TLS handshake authenticated (its certificate, already
     * checked against the cluster file), or empty when the connection has no TLS or the other end
     * presented no replica certificate.
     */
    public static OptionalInt replicaOf(Channel channel) {
        SslHandler tls = channel.pipeline().get(SslHandler.class);
        if (tls == null) {
            return OptionalInt.empty();
        }
        try {
            Certificate[] chain = tls.engine().getSession().getPeerCertificates();
            if (chain.length > 0 && chain[0] instanceof X509Certificate leaf) {
                int id = ReplicaCertificates.claimedReplica(leaf);
                return id < 0 ? OptionalInt.empty() : OptionalInt.of(id);
            }
        } catch (SSLPeerUnverifiedException e) {
            return OptionalInt.empty();
        }
        return OptionalInt.empty();
    }

    /** Whether {@code channel} runs TLS. */
    public static boolean isTls(Channel channel) {
        return channel.pipeline().get(SslHandler.class) != null;
    }
}
