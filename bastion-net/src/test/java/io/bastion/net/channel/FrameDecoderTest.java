package io.bastion.net.channel;

import io.bastion.net.Rejection;
import io.bastion.net.TransportCounters;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FrameDecoderTest {
    private static final int MAX = 1024;

    private final TransportCounters counters = new TransportCounters();
    private final EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(MAX, counters));

    private static ByteBuf frame(int length, int bodyBytes) {
        ByteBuf buffer = Unpooled.buffer();
        buffer.writeInt(length);
        for (int i = 0; i < bodyBytes; i++) {
            buffer.writeByte(i);
        }
        return buffer;
    }

    @Test
    void frameSplitAcrossReadsIsReassembled() {
        ByteBuf whole = frame(5, 5);
        while (whole.isReadable()) {
            channel.writeInbound(whole.readRetainedSlice(1));
        }
        whole.release();
        byte[] body = channel.readInbound();
        assertThat(body).containsExactly(0, 1, 2, 3, 4);
        assertThat(channel.<Object>readInbound()).isNull();
    }

    @Test
    void severalFramesInOneReadComeOutInOrder() {
        channel.writeInbound(Unpooled.wrappedBuffer(frame(1, 1), frame(0, 0), frame(2, 2)));
        assertThat((byte[]) channel.readInbound()).hasSize(1);
        assertThat((byte[]) channel.readInbound()).isEmpty();
        assertThat((byte[]) channel.readInbound()).hasSize(2);
    }

    @Test
    void frameOfExactlyTheMaximumIsAccepted() {
        channel.writeInbound(frame(MAX, MAX));
        assertThat((byte[]) channel.readInbound()).hasSize(MAX);
        assertThat(counters.rejectedTotal()).isZero();
    }

    @Test
    void oversizedLengthClosesTheConnectionAndDiscardsTheRest() {
        channel.writeInbound(Unpooled.wrappedBuffer(frame(MAX + 1, 3), frame(1, 1)));
        assertThat(channel.<Object>readInbound()).isNull();
        assertThat(channel.isOpen()).isFalse();
        assertThat(counters.rejected(Rejection.OVERSIZED)).isEqualTo(1);
        assertThat(counters.rejectedTotal()).isEqualTo(1);
    }

    @Test
    void raisedLimitAppliesFromTheNextFrame() {
        FrameDecoder decoder = new FrameDecoder(8, counters);
        EmbeddedChannel small = new EmbeddedChannel(decoder);
        small.writeInbound(frame(8, 8));
        decoder.frameBytesMax(MAX);
        small.writeInbound(frame(MAX, MAX));
        assertThat((byte[]) small.readInbound()).hasSize(8);
        assertThat((byte[]) small.readInbound()).hasSize(MAX);
        assertThat(counters.rejectedTotal()).isZero();
    }

    @Test
    void lengthWithTheHighBitSetIsOversizedNotNegative() {
        channel.writeInbound(frame(0x8000_0001, 2));
        assertThat(counters.rejected(Rejection.OVERSIZED)).isEqualTo(1);
    }

    @Test
    void streamEndingInsideAFrameIsTruncated() {
        channel.writeInbound(frame(10, 4));
        channel.finish();
        assertThat(counters.rejected(Rejection.TRUNCATED)).isEqualTo(1);
    }

    @Test
    void streamEndingInsideALengthPrefixIsTruncated() {
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 0}));
        channel.finish();
        assertThat(counters.rejected(Rejection.TRUNCATED)).isEqualTo(1);
    }

    @Test
    void streamEndingBetweenFramesIsNotCounted() {
        channel.writeInbound(frame(3, 3));
        channel.finish();
        assertThat(counters.rejectedTotal()).isZero();
    }

    @Test
    void ourOwnCloseInsideAFrameIsNotBlamedOnThePeer() {
        channel.writeInbound(frame(10, 4));
        Rejections.closeLocally(channel);
        channel.finish();
        assertThat(counters.rejectedTotal()).isZero();
    }
}
