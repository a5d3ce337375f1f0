package io.bastion.net.replica;

import io.bastion.core.message.Envelope;
import io.bastion.net.channel.ChannelErrors;
import io.bastion.net.handshake.HandshakeCompleted;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a replica connection: learns the peer id when the handshake completes, then
 * hands messages to the mesh, drains the peer's queue when the socket becomes writable again, and
 * tells the mesh when the connection ends. Nothing is delivered before authentication. One
 * instance per connection, confined to its event loop.
 */
final class PeerSession extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(PeerSession.class);
    private static final int UNAUTHENTICATED = -1;

    private final ReplicaNetwork network;
    private int peerId = UNAUTHENTICATED;

    PeerSession(ReplicaNetwork network) {
        this.network = network;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof HandshakeCompleted completed) {
            peerId = completed.peerId();
            network.onAuthenticated(peerId, ctx.channel());
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Envelope<?> message && peerId != UNAUTHENTICATED) {
            network.deliver(peerId, message);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (peerId != UNAUTHENTICATED && ctx.channel().isWritable()) {
            network.queue(peerId).drain(ctx.channel());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (peerId != UNAUTHENTICATED) {
            network.onDisconnected(peerId, ctx.channel());
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ChannelErrors.closeOnError(ctx, cause, LOG);
    }
}
