package io.bastion.net.channel;

import io.bastion.core.message.Codec;
import io.bastion.core.message.Envelope;
import io.bastion.net.NetSettings;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Writes a {@link Envelope} message as one frame: its 4-byte big-endian length, then the frame body
 * exactly as {@link io.bastion.core.message.Codec#encodeFrame} defines it (encoding, signature
 * length, signature), copied straight from the message without an intermediate array. Callers
 * bound frame sizes before writing (see {@link OutboundQueue}). Stateless; shareable.
 */
@Sharable
public final class FrameEncoder extends MessageToByteEncoder<Envelope<?>> {
    public static final FrameEncoder INSTANCE = new FrameEncoder();

    private FrameEncoder() {}

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, Envelope<?> message, boolean preferDirect) {
        return ctx.alloc().ioBuffer(NetSettings.LENGTH_PREFIX_BYTES + message.wireSize());
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Envelope<?> message, ByteBuf out) {
        if (message.hasAuthenticator()) { // a MAC-mode request goes as a MAC_REQUEST, which the codec lays out
            out.writeInt(message.wireSize());
            out.writeBytes(Codec.encodeFrame(message));
            return;
        }
        byte[] signature = message.signatureUnsafe();
        out.writeInt(message.wireSize());
        out.writeBytes(message.encodedUnsafe());
        out.writeByte(signature.length);
        out.writeBytes(signature);
    }
}
