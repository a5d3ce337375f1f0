package io.bastion.net.tls;

import io.bastion.net.Rejection;
import io.bastion.net.TransportCounters;
import io.bastion.net.channel.Rejections;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.nio.channels.ClosedChannelException;

/**
 * Sits right behind the TLS handler and turns a failed TLS handshake into one counted rejection
 * ({@link Rejection#TLS_HANDSHAKE}) with one WARN line that says who and why: the certificate
 * check's own words when Bastion refused the other end's certificate
 * ({@link RejectedCertificateException}: the replica and the reason), the alert when the other
 * end refused ours, or that the bytes were no TLS at all (a plaintext client on a TLS port). A
 * connection closed during the handshake without a word (a port probe) is only logged at DEBUG. It
 * swallows the TLS exceptions it has reported, so later handlers do not log them again. One
 * instance per connection, confined to its event loop.
 */
final class TlsFailures extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(TlsFailures.class);

    private final TransportCounters counters;
    private final String what;

    TlsFailures(TransportCounters counters, String what) {
        this.counters = counters;
        this.what = what;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent completion && !completion.isSuccess()) {
            reject(ctx, completion.cause());
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (root instanceof SSLException) {
            reject(ctx, root);
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    private void reject(ChannelHandlerContext ctx, Throwable cause) {
        if (closedBeforeHandshake(cause)) {
            LOG.debug("{}: closed before the TLS handshake ended", what); // a port probe, a client that left
            ctx.close();
            return;
        }
        Rejections.reject(ctx.channel(), counters, Rejection.TLS_HANDSHAKE, what + ": " + describe(cause));
    }

    /** The other end closed the connection during the handshake without a TLS alert: routine, not an attack. */
    private static boolean closedBeforeHandshake(Throwable cause) {
        return cause instanceof ClosedChannelException
                || String.valueOf(cause.getMessage()).startsWith("Connection closed while SSL/TLS handshake");
    }

    /** Why a handshake failed, in words. */
    static String describe(Throwable cause) {
        RejectedCertificateException rejected = RejectedCertificateException.in(cause);
        if (rejected != null) {
            return "refused its certificate: " + rejected.getMessage();
        }
        if (cause instanceof NotSslRecordException) {
            return "it does not speak TLS (a plaintext client or replica? see --insecure-plaintext)";
        }
        if (cause instanceof SslHandshakeTimeoutException) {
            return "the TLS handshake did not finish in time";
        }
        String message = String.valueOf(cause.getMessage());
        if (message.contains("alert")) {
            return "the other end refused the TLS handshake (" + message + "); its log says why";
        }
        return "TLS handshake failed: " + message;
    }
}
