package io.bastion.net.endpoint;

import io.bastion.core.message.Envelope;
import io.bastion.net.channel.ChannelErrors;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a client connection: hands messages to the endpoint, drains the connection's
 * queue when the client reads again, and unbinds the connection when it ends. One instance per
 * connection, confined to its event loop.
 */
final class ClientSession extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ClientSession.class);

    private final ClientEndpoint endpoint;
    private final ClientConnection connection;

    ClientSession(ClientEndpoint endpoint, ClientConnection connection) {
        this.endpoint = endpoint;
        this.connection = connection;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Envelope<?> message) {
            connection.messageArrived(System.nanoTime());
            endpoint.deliver(connection, message);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            connection.queue().drain(ctx.channel());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        endpoint.onClosed(connection);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ChannelErrors.closeOnError(ctx, cause, LOG);
    }
}
