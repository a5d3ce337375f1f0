package io.bastion.net.channel;

import io.bastion.core.crypto.Digest;
import io.bastion.core.message.Codec;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.Request;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** The frames the encoder writes are the codec's, signed requests and MAC-mode requests alike. */
class FrameEncoderTest {
    private static byte[] written(Envelope<?> message) {
        EmbeddedChannel channel = new EmbeddedChannel(FrameEncoder.INSTANCE);
        channel.writeOutbound(message);
        ByteBuf out = channel.readOutbound();
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        out.release();
        return bytes;
    }

    @Test
    void signedAndTaggedRequestsGoAsTheCodecEncodesThem() throws Exception {
        Request request = new Request(7, 42, false, new byte[] {1, 2, 3});
        Envelope<Request> signed = Envelope.sign(request, m -> Digest.sha256(m).toBytes());
        byte[] tags = new byte[64];
        Arrays.fill(tags, (byte) 0x33);
        Envelope<Request> tagged = Envelope.authenticate(request, encoding -> tags);
        for (Envelope<Request> message : java.util.List.of(signed, tagged)) {
            byte[] frame = written(message);
            byte[] body = Arrays.copyOfRange(frame, 4, frame.length);
            assertThat(body).isEqualTo(Codec.encodeFrame(message));
            assertThat(java.nio.ByteBuffer.wrap(frame).getInt()).isEqualTo(body.length);
            assertThat(Codec.decodeFrame(body)).isEqualTo(message);
        }
    }
}
