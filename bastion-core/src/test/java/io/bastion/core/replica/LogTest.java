package io.bastion.core.replica;

import io.bastion.core.message.BatchEntry;
import io.bastion.core.message.Codec;
import io.bastion.core.message.PrePrepare;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.core.quorum.Quorums;
import io.bastion.core.util.Check;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.bastion.core.replica.SignedMessages.entry;
import static io.bastion.core.replica.SignedMessages.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The message log with a window of 8 seqs above the low watermark and 4 retained at or below it.
 * Requests r1, r2, ... are client 1000's requests 1, 2, ...
 */
class LogTest {
    private static final int SIZE = 8;
    private static final int RETAINED = 4;
    private static final Quorums QUORUMS = Quorums.forFaults(1);

    private final Log log = new Log(SIZE, RETAINED);
    private final RequestPool pool = new RequestPool(100, 100, 50);

    private static Envelope<Request> r(int number) {
        return request(1000, number, 4);
    }

    /** Gives slot {@code seq} a pre-prepare ordering requests {@code numbers}. */
    private Slot order(long seq, int... numbers) {
        Slot slot = log.getOrCreate(seq);
        List<BatchEntry> entries = Arrays.stream(numbers).mapToObj(n -> entry(r(n))).toList();
        log.setPrePrepare(slot, SignedMessages.prePrepare(QUORUMS, new PrePrepare(0, seq, 1_000 + seq, seq, entries)),
                pool, 5_000);
        return slot;
    }

    @ParameterizedTest(name = "low {0}: window ({0}, {1}], retained from {2}")
    @CsvSource({
        // low watermark, high watermark, lowest seq retained
        "0,  8,  1",
        "4,  12, 1",
        "8,  16, 5",
        "16, 24, 13",
    })
    void theWindowIsAboveTheLowWatermarkUpToLogSizeAndFourSeqsAtOrBelowItAreRetained(long low, long high,
                                                                                     long retainedFrom) {
        if (low > 0) {
            log.truncate(low);
        }

        assertThat(log.low()).isEqualTo(low);
        assertThat(log.high()).isEqualTo(high);
        assertThat(log.retainedFrom()).isEqualTo(retainedFrom);
        assertThat(log.inWindow(low)).as("the low watermark itself").isFalse();
        assertThat(log.inWindow(low + 1)).isTrue();
        assertThat(log.inWindow(high)).isTrue();
        assertThat(log.inWindow(high + 1)).isFalse();
        assertThatThrownBy(() -> log.getOrCreate(high + 1)).isInstanceOf(Check.InvariantViolation.class);
        assertThatThrownBy(() -> log.getOrCreate(low)).isInstanceOf(Check.InvariantViolation.class);
        assertThat(log.getOrCreate(high).seq).isEqualTo(high);
        assertThat(log.highestSeq()).isEqualTo(high);
    }

    @Test
    void anEmptyLogsHighestSeqIsTheLowWatermark() {
        log.truncate(8);

        assertThat(log.highestSeq()).isEqualTo(8);
        assertThat(log.slotCount()).isZero();
    }

    @Test
    void bodiesComeFromThePoolAndFromEarlierOrderedSlotsAndTheRestCountAsMissing() {
        pool.add(r(1), 0);
        Slot first = order(1, 1, 2);
        pool.removeBody(r(1).digest());

        Slot second = order(2, 1, 3, 2);

        assertThat(first.bodies).containsExactly(r(1), null);
        assertThat(first.missing).isEqualTo(1);
        assertThat(second.bodies).as("r1 from slot 1, although it left the pool").containsExactly(r(1), null, null);
        assertThat(second.missing).isEqualTo(2);
        assertThat(second.missingDigests()).containsExactly(r(3).digest(), r(2).digest());
        assertThat(second.batchDigest).isEqualTo(Codec.batchDigest(second.batch()));
        assertThat(second.arrivedMillis).isEqualTo(5_000);
        assertThat(log.orderedBody(r(1).digest())).isEqualTo(r(1));
        assertThat(log.orderedBody(r(2).digest())).isNull();
        log.checkInvariants();
    }

    @Test
    void aSecondPrePrepareForOneSlotIsABug() {
        order(1, 1);

        assertThatThrownBy(() -> order(1, 2)).isInstanceOf(Check.InvariantViolation.class);
    }

    @Test
    void aBodyThatArrivesFillsEverySlotWaitingForItEvenTwiceInOneBatch() {
        Slot first = order(1, 7, 8);
        Slot second = order(2, 7);
        Slot third = order(3, 7, 7);

        assertThat(log.bodyArrived(r(7))).isTrue();

        assertThat(first.bodies).containsExactly(r(7), null);
        assertThat(first.missing).isEqualTo(1);
        assertThat(second.bodies).containsExactly(r(7));
        assertThat(second.missing).isZero();
        assertThat(third.bodies).containsExactly(r(7), r(7));
        assertThat(third.missing).isZero();
        assertThat(log.orderedBody(r(7).digest())).isEqualTo(r(7));
        assertThat(log.bodyArrived(r(7))).as("nobody waits any more").isFalse();
        assertThat(log.bodyArrived(r(9))).as("nobody ordered it").isFalse();
        log.checkInvariants();
    }

    @Test
    void aSlotResetForAViewNoLongerWaitsForItsBodies() {
        Slot first = order(1, 7);
        Slot second = order(2, 7);

        log.resetForView(first);

        assertThat(first.prePrepare).isNull();
        assertThat(first.bodies).isNull();
        assertThat(first.missing).isZero();
        assertThat(log.bodyArrived(r(7))).isTrue();
        assertThat(first.bodies).isNull();
        assertThat(second.bodies).containsExactly(r(7));

        Slot third = order(3, 8);
        log.resetForView(third);
        assertThat(log.bodyArrived(r(8))).as("the only waiting slot was reset").isFalse();
        log.resetForView(log.getOrCreate(4)); // a slot without a pre-prepare resets too
        log.checkInvariants();
    }

    @Test
    void truncateKeepsTheRetainedSeqsAtOrBelowTheNewLowWatermarkAndDropsTheBodiesOfDroppedSlots() {
        for (int seq = 1; seq <= SIZE; seq++) {
            pool.add(r(seq), 0);
            order(seq, seq);
        }
        for (int seq = 1; seq <= SIZE; seq++) {
            pool.removeBody(r(seq).digest());
        }
        log.truncate(4);
        Slot waiting = order(9, 100); // r100 is missing: slot 9 waits for it
        pool.add(r(10), 0);
        order(10, 10);
        pool.removeBody(r(10).digest());

        log.truncate(12);

        assertThat(log.retainedFrom()).isEqualTo(9);
        List<Long> held = new ArrayList<>();
        log.all().forEach(s -> held.add(s.seq));
        assertThat(held).containsExactly(9L, 10L);
        for (int seq = 1; seq <= SIZE; seq++) {
            assertThat(log.get(seq)).as("slot %d", seq).isNull();
            assertThat(log.orderedBody(r(seq).digest())).as("body of dropped slot %d", seq).isNull();
        }
        assertThat(log.orderedBody(r(10).digest())).as("body of retained slot 10").isEqualTo(r(10));
        assertThat(log.bodyArrived(r(100))).as("retained slot 9 still waits").isTrue();
        assertThat(waiting.missing).isZero();
        log.checkInvariants();
    }

    @Test
    void truncateUnhooksTheWaitsOfDroppedSlots() {
        order(1, 100);

        log.truncate(8);

        assertThat(log.get(1)).isNull();
        assertThat(log.bodyArrived(r(100))).isFalse();
    }

    @Test
    void theLowWatermarkNeverMovesBackwards() {
        log.truncate(8);

        assertThatThrownBy(() -> log.truncate(4)).isInstanceOf(Check.InvariantViolation.class)
                .hasMessageContaining("backwards");
        log.truncate(8);
        assertThat(log.low()).isEqualTo(8);
    }

    @Test
    void theInvariantCheckCatchesAWrongMissingCount() {
        Slot slot = order(1, 1, 2);
        log.checkInvariants();

        slot.missing--;

        assertThatThrownBy(log::checkInvariants).isInstanceOf(Check.InvariantViolation.class)
                .hasMessageContaining("slot 1 counts 1 missing bodies, has 2");
    }

    @Test
    void theInvariantCheckCatchesAPhaseWithoutAPrePrepare() {
        log.getOrCreate(2).committed = true;

        assertThatThrownBy(log::checkInvariants).isInstanceOf(Check.InvariantViolation.class)
                .hasMessageContaining("committed without pre-prepare");
    }

    @Test
    void aBodyOrderedByARetainedSlotSurvivesTheTruncationOfAnEarlierSlotOrderingItToo() {
        Log log = new Log(8, 4);
        RequestPool pool = new RequestPool(100, 100, 50);
        var r = SignedMessages.request(1000, 1, 4);
        pool.add(r, 0);
        for (long seq : new long[] {2, 6}) {
            log.setPrePrepare(log.getOrCreate(seq), SignedMessages.prePrepare(Quorums.forFaults(1),
                    new PrePrepare(0, seq, 1, 1, List.of(SignedMessages.entry(r)))), pool, 0);
        }
        pool.removeBody(r.digest()); // executed

        log.truncate(8); // drops slot 2, keeps 5..8

        assertThat(log.get(6).bodies).containsExactly(r);
        assertThat(log.orderedBody(r.digest())).as("served to peers fetching slot 6's body").isEqualTo(r);
    }

    @Test
    void theBodiesOfABatchAViewChangeReplacedLeaveWithItsSlot() {
        Log log = new Log(8, 4);
        RequestPool pool = new RequestPool(100, 100, 50);
        var r = SignedMessages.request(1000, 1, 4);
        pool.add(r, 0);
        Slot slot = log.getOrCreate(1);
        log.setPrePrepare(slot, SignedMessages.prePrepare(Quorums.forFaults(1),
                new PrePrepare(0, 1, 1, 1, List.of(SignedMessages.entry(r)))), pool, 0);
        log.resetForView(slot);                       // view change: the batch did not prepare
        log.setPrePrepare(slot, SignedMessages.prePrepare(Quorums.forFaults(1),
                new PrePrepare(1, 1, 0, 0, List.of())), pool, 0);  // the NEW-VIEW's null batch
        pool.removeBody(r.digest());                  // the client moved on; r is never ordered again

        log.truncate(16);                             // slot 1 is long gone

        assertThat(log.slotCount()).isZero();
        assertThat(log.orderedBody(r.digest())).as("body of a batch no slot holds any more").isNull();
    }
}
