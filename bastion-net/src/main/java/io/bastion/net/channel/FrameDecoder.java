package io.bastion.net.channel;

import io.bastion.net.NetSettings;
import io.bastion.net.Rejection;
import io.bastion.net.TransportCounters;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.List;

/**
 * Splits a TCP byte stream into frame bodies: a 4-byte big-endian length, then that many bytes,
 * emitted as one {@code byte[]} each. A length above {@code frameBytesMax}, or a stream that ends
 * inside a frame, rejects the connection ({@link Rejection#OVERSIZED}, {@link Rejection#TRUNCATED});
 * after a rejection every further byte is discarded. The limit can be raised once the other end
 * is trusted with more memory (a replica connection after its handshake), which bounds what an
 * unauthenticated connection can make us buffer. Never throws. One instance per connection, used
 * on its event loop only.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
    private int frameBytesMax;
    private final TransportCounters counters;
    private boolean rejected;

    public FrameDecoder(int frameBytesMax, TransportCounters counters) {
        this.frameBytesMax = frameBytesMax;
        this.counters = counters;
    }

    /** Sets the largest frame body accepted from the next frame on. */
    public void frameBytesMax(int frameBytesMax) {
        this.frameBytesMax = frameBytesMax;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (rejected || Rejections.isClosing(ctx.channel())) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < NetSettings.LENGTH_PREFIX_BYTES) {
            return;
        }
        long length = in.getUnsignedInt(in.readerIndex());
        if (length > frameBytesMax) {
            reject(ctx, in, Rejection.OVERSIZED, "length prefix " + length + " exceeds frameBytesMax " + frameBytesMax);
            return;
        }
        if (in.readableBytes() < NetSettings.LENGTH_PREFIX_BYTES + length) {
            return;
        }
        in.skipBytes(NetSettings.LENGTH_PREFIX_BYTES);
        byte[] body = new byte[(int) length];
        in.readBytes(body);
        out.add(body);
    }

    /** Called once the connection has ended: whatever is left is an incomplete frame. */
    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        decode(ctx, in, out);
        if (in.isReadable()) {
            reject(ctx, in, Rejection.TRUNCATED, "connection ended " + in.readableBytes() + " bytes into a frame");
        }
    }

    private void reject(ChannelHandlerContext ctx, ByteBuf in, Rejection reason, String detail) {
        rejected = true;
        in.skipBytes(in.readableBytes());
        Rejections.reject(ctx.channel(), counters, reason, detail);
    }
}
