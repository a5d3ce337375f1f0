package io.bastion.net.channel;

import io.bastion.core.message.Codec;
import io.bastion.core.message.CodecException;
import io.bastion.core.message.Prepare;
import io.bastion.core.message.Envelope;
import io.bastion.net.Drop;
import io.bastion.net.NetSettings;
import io.bastion.net.TransportCounters;
import io.bastion.net.testing.HmacSigner;
import io.bastion.net.testing.Messages;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OutboundQueueTest {
    private static final HmacSigner SIGNER = new HmacSigner(new byte[8]);
    private static final int FRAME_BYTES_MAX = 1024;
    private static final long PREPARE_WIRE_BYTES = NetSettings.wireBytes(Messages.prepare(0, 0, SIGNER).wireSize());

    private final TransportCounters counters = new TransportCounters();
    private final EmbeddedChannel channel = new EmbeddedChannel(FrameEncoder.INSTANCE);

    private OutboundQueue queue(int framesMax, long bytesMax) {
        return new OutboundQueue("test peer", framesMax, bytesMax, FRAME_BYTES_MAX, counters);
    }

    private void offerPrepares(OutboundQueue queue, int count) {
        for (int seq = 0; seq < count; seq++) {
            queue.offer(Messages.prepare(0, seq, SIGNER));
        }
    }

    /** The sequence numbers of the Prepare frames the channel wrote, decoded from its bytes. */
    private List<Long> writtenSeqs(EmbeddedChannel target) {
        target.runPendingTasks();
        List<Long> seqs = new ArrayList<>();
        for (ByteBuf out = target.readOutbound(); out != null; out = target.readOutbound()) {
            int length = out.readInt();
            assertThat(out.readableBytes()).isEqualTo(length);
            try {
                seqs.add(Codec.decodeFrame(ByteBufUtil.getBytes(out)).as(Prepare.class).message().seq());
            } catch (CodecException e) {
                throw new AssertionError(e);
            } finally {
                out.release();
            }
        }
        return seqs;
    }

    @Test
    void framesWaitWhileDetachedAndTheOldestAreDroppedBeyondTheFrameBound() {
        OutboundQueue queue = queue(3, 1 << 20);
        offerPrepares(queue, 5);
        assertThat(queue.size()).isEqualTo(3);
        assertThat(counters.dropped(Drop.QUEUE_FULL)).isEqualTo(2);

        queue.attach(channel);
        assertThat(writtenSeqs(channel)).containsExactly(2L, 3L, 4L);
        assertThat(queue.size()).isZero();
        assertThat(queue.bytes()).isZero();
    }

    @Test
    void theByteBoundDropsTheOldestToo() {
        long bytesMax = Math.max(NetSettings.wireBytes(FRAME_BYTES_MAX), 2 * PREPARE_WIRE_BYTES + 1);
        int fit = (int) (bytesMax / PREPARE_WIRE_BYTES);
        OutboundQueue queue = queue(1_000, bytesMax);
        offerPrepares(queue, fit + 4);
        assertThat(queue.size()).isEqualTo(fit);
        assertThat(queue.bytes()).isEqualTo(fit * PREPARE_WIRE_BYTES).isLessThanOrEqualTo(bytesMax);
        assertThat(counters.dropped(Drop.QUEUE_FULL)).isEqualTo(4);
    }

    @Test
    void oversizedFrameIsDroppedAndCounted() {
        OutboundQueue queue = queue(10, 1 << 20);
        Envelope<?> big = Messages.reply(0, 1, 1, new byte[FRAME_BYTES_MAX]);
        assertThat(queue.offer(big)).isFalse();
        assertThat(queue.size()).isZero();
        assertThat(counters.dropped(Drop.OVERSIZED)).isEqualTo(1);
    }

    @Test
    void attachedQueueWritesAsFramesArriveInOrder() {
        OutboundQueue queue = queue(10, 1 << 20);
        queue.attach(channel);
        offerPrepares(queue, 4);
        assertThat(writtenSeqs(channel)).containsExactly(0L, 1L, 2L, 3L);
    }

    @Test
    void unwritableChannelHoldsFramesUntilDrainedWhenWritableAgain() {
        OutboundQueue queue = queue(10, 1 << 20);
        queue.attach(channel);
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        offerPrepares(queue, 3);
        assertThat(writtenSeqs(channel)).isEmpty();
        assertThat(queue.size()).isEqualTo(3);

        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        queue.drain(channel);
        assertThat(writtenSeqs(channel)).containsExactly(0L, 1L, 2L);
    }

    @Test
    void detachedChannelGetsNothingAndANewlyAttachedOneGetsTheRest() {
        OutboundQueue queue = queue(10, 1 << 20);
        queue.attach(channel);
        queue.detach(channel);
        offerPrepares(queue, 2);
        assertThat(writtenSeqs(channel)).isEmpty();

        EmbeddedChannel replacement = new EmbeddedChannel(FrameEncoder.INSTANCE);
        assertThat(queue.attach(replacement)).isNull();
        assertThat(writtenSeqs(replacement)).containsExactly(0L, 1L);
    }

    @Test
    void closedQueueRefusesAndCounts() {
        OutboundQueue queue = queue(10, 1 << 20);
        queue.close();
        assertThat(queue.offer(Messages.status(0, 0))).isFalse();
        assertThat(counters.dropped(Drop.CLOSED)).isEqualTo(1);
    }
}
