package io.bastion.net.handshake;

import io.bastion.net.NetSettings;
import io.bastion.net.Rejection;
import io.bastion.net.channel.MessageDecoder;
import io.bastion.net.channel.Pipelines;
import io.bastion.net.channel.Rejections;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * What both sides of the replica handshake share: it consumes frame bodies until the handshake is
 * done, bounds its duration, rejects the connection on any failure, and on success fires
 * {@link HandshakeCompleted} and replaces itself with a {@link MessageDecoder}, so frames that
 * follow in the same read already go to the message decoder. One instance per connection,
 * confined to its event loop.
 */
public abstract class HandshakeHandler extends ChannelInboundHandlerAdapter {
    protected final HandshakeSetup setup;
    private ScheduledFuture<?> timeout;
    private boolean started;
    private boolean done;

    protected HandshakeHandler(HandshakeSetup setup) {
        this.setup = setup;
    }

    /** Called once when the connection is active (dialer: send HELLO). */
    protected abstract void begin(ChannelHandlerContext ctx);

    /** Handles one handshake frame; throws to reject the connection. */
    protected abstract void onFrame(ChannelHandlerContext ctx, HandshakeFrame frame) throws HandshakeException;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            start(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start(ctx);
        ctx.fireChannelActive();
    }

    private void start(ChannelHandlerContext ctx) {
        if (started) {
            return;
        }
        started = true;
        timeout = ctx.executor().schedule(() -> expire(ctx), setup.timeoutMillis(), TimeUnit.MILLISECONDS);
        begin(ctx);
    }

    private void expire(ChannelHandlerContext ctx) {
        if (!done) {
            Rejections.reject(ctx.channel(), setup.counters(), Rejection.HANDSHAKE_TIMEOUT,
                    "not authenticated within " + setup.timeoutMillis() + " ms");
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof byte[] body)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (done || Rejections.isClosing(ctx.channel())) {
            return;
        }
        try {
            onFrame(ctx, HandshakeCodec.decode(body));
        } catch (HandshakeException e) {
            fail(ctx, e);
        }
    }

    protected final void fail(ChannelHandlerContext ctx, HandshakeException e) {
        Rejections.reject(ctx.channel(), setup.counters(), e.reason(), e.getMessage());
    }

    /** Writes one handshake frame, length prefix included, and flushes it. */
    protected final void send(ChannelHandlerContext ctx, HandshakeFrame frame) {
        byte[] body = HandshakeCodec.encode(frame);
        ByteBuf buffer = ctx.alloc().buffer(NetSettings.LENGTH_PREFIX_BYTES + body.length);
        buffer.writeInt(body.length).writeBytes(body);
        ctx.writeAndFlush(buffer, ctx.voidPromise());
    }

    /** Ends the handshake: {@code peerId} is authenticated. */
    protected final void complete(ChannelHandlerContext ctx, int peerId) {
        done = true;
        cancelTimeout();
        ctx.fireUserEventTriggered(new HandshakeCompleted(peerId));
        ctx.pipeline().replace(this, Pipelines.MESSAGES, new MessageDecoder(setup.counters()));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelTimeout();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimeout();
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }
}
