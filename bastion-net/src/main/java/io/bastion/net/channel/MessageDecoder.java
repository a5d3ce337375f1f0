package io.bastion.net.channel;

import io.bastion.core.message.Codec;
import io.bastion.core.message.CodecException;
import io.bastion.core.message.Envelope;
import io.bastion.net.Rejection;
import io.bastion.net.TransportCounters;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Turns frame bodies ({@code byte[]} from {@link FrameDecoder}) into {@link Envelope}s with
 * {@link Codec#decodeFrame}. A body the codec refuses rejects the connection under the codec's
 * reason; bodies arriving after that are dropped. Signatures are not checked here. Never throws.
 * Stateless apart from the counters it reports to; shareable.
 */
@Sharable
public final class MessageDecoder extends ChannelInboundHandlerAdapter {
    private final TransportCounters counters;

    public MessageDecoder(TransportCounters counters) {
        this.counters = counters;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof byte[] body)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (Rejections.isClosing(ctx.channel())) {
            return;
        }
        Envelope<?> message;
        try {
            message = Codec.decodeFrame(body);
        } catch (CodecException e) {
            Rejections.reject(ctx.channel(), counters, Rejection.of(e.reason()), e.getMessage());
            return;
        }
        ctx.fireChannelRead(message);
    }
}
