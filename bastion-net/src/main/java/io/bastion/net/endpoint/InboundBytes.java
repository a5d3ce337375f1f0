package io.bastion.net.endpoint;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * The first handler of a client connection: tells the connection that bytes arrived, before any
 * decoder sees them, so {@link ClientDeadlines} can time how long they take to make a message.
 * One instance per connection, confined to its event loop.
 */
final class InboundBytes extends ChannelInboundHandlerAdapter {
    static final String NAME = "inbound-bytes";

    private final ClientConnection connection;

    InboundBytes(ClientConnection connection) {
        this.connection = connection;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes && bytes.isReadable()) {
            connection.bytesArrived(System.nanoTime());
        }
        ctx.fireChannelRead(msg);
    }
}
