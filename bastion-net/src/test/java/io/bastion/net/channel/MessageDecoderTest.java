package io.bastion.net.channel;

import io.bastion.core.message.Codec;
import io.bastion.core.message.Envelope;
import io.bastion.net.Rejection;
import io.bastion.net.TransportCounters;
import io.bastion.net.testing.HmacSigner;
import io.bastion.net.testing.Messages;
import io.bastion.net.testing.RawConnection;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class MessageDecoderTest {
    private static final HmacSigner SIGNER = new HmacSigner(new byte[8]);

    private final TransportCounters counters = new TransportCounters();
    private final EmbeddedChannel channel = new EmbeddedChannel();

    MessageDecoderTest() {
        Pipelines.addMessageCodec(channel.pipeline(), 1 << 16, counters);
    }

    private void receive(byte[]... bodies) {
        byte[][] frames = Arrays.stream(bodies).map(RawConnection::framed).toArray(byte[][]::new);
        channel.writeInbound(Unpooled.wrappedBuffer(frames));
    }

    private void assertRejected(Rejection reason) {
        assertThat(channel.<Object>readInbound()).isNull();
        assertThat(channel.isOpen()).isFalse();
        assertThat(counters.rejected(reason)).isEqualTo(1);
        assertThat(counters.rejectedTotal()).isEqualTo(1);
    }

    @Test
    void validFramesBecomeTheMessagesThatWereSent() {
        Envelope<?> prepare = Messages.prepare(2, 7, SIGNER);
        Envelope<?> status = Messages.status(2, 9);
        receive(Codec.encodeFrame(prepare), Codec.encodeFrame(status));
        assertThat((Envelope<?>) channel.readInbound()).isEqualTo(prepare);
        assertThat((Envelope<?>) channel.readInbound()).isEqualTo(status);
        assertThat(counters.rejectedTotal()).isZero();
    }

    @Test
    void truncatedBodyIsRejected() {
        receive(Arrays.copyOf(Codec.encodeFrame(Messages.prepare(2, 7, SIGNER)), 10));
        assertRejected(Rejection.TRUNCATED);
    }

    @Test
    void unknownTypeIsRejected() {
        receive(new byte[] {0x77, 0});
        assertRejected(Rejection.UNKNOWN_TYPE);
    }

    @Test
    void trailingBytesAreRejected() {
        byte[] frame = Codec.encodeFrame(Messages.status(1, 1));
        receive(Arrays.copyOf(frame, frame.length + 3));
        assertRejected(Rejection.TRAILING_BYTES);
    }

    @Test
    void invalidFieldIsRejected() {
        byte[] frame = Codec.encodeFrame(Messages.request(5, 1, SIGNER));
        frame[1 + 8 + 8] = 7; // the request kind must be 0 (write), 1 (read) or 2 (ordered read)
        receive(frame);
        assertRejected(Rejection.INVALID_FIELD);
    }

    @Test
    void framesAfterARejectedOneInTheSameReadAreDropped() {
        receive(new byte[] {0x77, 0}, Codec.encodeFrame(Messages.status(1, 1)));
        assertRejected(Rejection.UNKNOWN_TYPE);
    }
}
