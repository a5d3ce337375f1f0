package io.bastion.net.channel;

import io.bastion.net.TransportCounters;
import io.netty.channel.ChannelPipeline;

/**
 * Names of the handlers in Bastion's pipelines, and the framing every pipeline starts with.
 * Under TLS the TLS handler comes first ({@link io.bastion.net.tls.ChannelSecurity}), so
 * everything below sees plaintext. Inbound, a pipeline then reads: {@value #FRAMES} (bytes to frame bodies), then {@value #HANDSHAKE}
 * on replica connections until it replaces itself with {@value #MESSAGES} (frame bodies to
 * messages), then {@value #SESSION} (delivery). Outbound, {@value #ENCODER} frames messages.
 * Stateless.
 */
public final class Pipelines {
    public static final String ENCODER = "encoder";
    public static final String FRAMES = "frames";
    public static final String HANDSHAKE = "handshake";
    public static final String MESSAGES = "messages";
    public static final String SESSION = "session";

    private Pipelines() {}

    /** Adds the frame encoder and the frame decoder. */
    public static ChannelPipeline addFraming(ChannelPipeline pipeline, int frameBytesMax, TransportCounters counters) {
        return pipeline
                .addLast(ENCODER, FrameEncoder.INSTANCE)
                .addLast(FRAMES, new FrameDecoder(frameBytesMax, counters));
    }

    /** Adds framing and the message decoder: the pipeline of a connection without a handshake. */
    public static ChannelPipeline addMessageCodec(ChannelPipeline pipeline, int frameBytesMax, TransportCounters counters) {
        return addFraming(pipeline, frameBytesMax, counters).addLast(MESSAGES, new MessageDecoder(counters));
    }
}
