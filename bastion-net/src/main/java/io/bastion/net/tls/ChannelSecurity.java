package io.bastion.net.tls;

import io.bastion.net.TransportCounters;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;

import java.net.InetSocketAddress;

/**
 * How one side of Bastion's connections is secured: with TLS in a given context, or, when asked for
 * explicitly, not at all. {@link #secure} puts the TLS handler at the head of a new connection's
 * pipeline, with a {@link TlsFailures} handler behind it that counts and explains a failed
 * handshake. Immutable; thread-safe.
 */
public final class ChannelSecurity {
    /** Name of the TLS handler in a pipeline. */
    public static final String TLS_HANDLER = "tls";
    /** Name of the handler that reports TLS failures. */
    public static final String TLS_FAILURES = "tls-failures";
    /** No TLS: bytes go over TCP as they are. Only for {@code --insecure-plaintext}. */
    public static final ChannelSecurity PLAINTEXT = new ChannelSecurity(null);

    private final SslContext context;

    private ChannelSecurity(SslContext context) {
        this.context = context;
    }

    public static ChannelSecurity tls(SslContext context) {
        return new ChannelSecurity(java.util.Objects.requireNonNull(context, "context"));
    }

    public boolean isTls() {
        return context != null;
    }

    /**
     * Makes {@code channel} a TLS connection (nothing in plaintext): the TLS handler first in its
     * pipeline, the handshake bounded by {@code handshakeTimeoutMillis}.
     *
     * @param remote the server dialed (client side: its host is checked where names count), or
     *               {@code null} on the server side
     * @param what   names the other end in log lines ("replica 2", "a client")
     */
    public void secure(Channel channel, InetSocketAddress remote, long handshakeTimeoutMillis, TransportCounters counters,
                       String what) {
        if (context == null) {
            return;
        }
        SslHandler handler = remote == null ? context.newHandler(channel.alloc())
                : context.newHandler(channel.alloc(), remote.getHostString(), remote.getPort());
        handler.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
        channel.pipeline().addFirst(TLS_HANDLER, handler);
        channel.pipeline().addAfter(TLS_HANDLER, TLS_FAILURES, new TlsFailures(counters, what));
    }

    @Override
    public String toString() {
        return context == null ? "plaintext" : "TLS";
    }
}
