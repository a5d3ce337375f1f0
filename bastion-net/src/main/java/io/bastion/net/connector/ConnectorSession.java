package io.bastion.net.connector;

import io.bastion.core.message.Envelope;
import io.bastion.net.channel.ChannelErrors;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a client's connection to a replica: attaches the connector's queue once
 * connected (with TLS: once the handshake accepted the replica's certificate), delivers what arrives, drains when writable again, detaches when the connection
 * ends. One instance per connection, confined to its event loop.
 */
final class ConnectorSession extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectorSession.class);

    private final ClientConnector connector;
    private final boolean tls;

    ConnectorSession(ClientConnector connector, boolean tls) {
        this.connector = connector;
        this.tls = tls;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (!tls) {
            connector.onConnected(ctx.channel());
        }
        ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (tls && event instanceof SslHandshakeCompletionEvent completion && completion.isSuccess()) {
            connector.onConnected(ctx.channel());
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Envelope<?> message) {
            connector.deliver(message);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            connector.queue().drain(ctx.channel());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        connector.onDisconnected(ctx.channel());
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ChannelErrors.closeOnError(ctx, cause, LOG);
    }
}
