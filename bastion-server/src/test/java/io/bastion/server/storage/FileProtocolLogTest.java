package io.bastion.server.storage;

import io.bastion.core.message.Codec;
import io.bastion.server.storage.FileProtocolLog.Settings;
import io.bastion.server.storage.ProtocolLog.Entry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Appending, reading back, rotating and discarding, with the log closed and reopened in between. */
class FileProtocolLogTest {
    /** The smallest segments allowed, so that a few hundred entries span many of them. */
    private static final Settings SMALL = Settings.defaults().withSegmentBytes(FileProtocolLog.SEGMENT_BYTES_MIN);

    @TempDir
    Path directory;

    /** Groups of 1 to 9 entries at consecutive sequence numbers, starting at {@code firstSeq}. */
    private static List<List<Entry>> groups(long firstSeq, int count) {
        List<List<Entry>> groups = new ArrayList<>();
        for (int g = 0; g < count; g++) {
            groups.add(TestMessages.group(firstSeq + g, 1 + g % 9));
        }
        return groups;
    }

    private static List<Entry> appendAll(ProtocolLog log, List<List<Entry>> groups) {
        List<Entry> all = new ArrayList<>();
        for (List<Entry> group : groups) {
            log.appendDurably(group);
            all.addAll(group);
        }
        return all;
    }

    @Test
    void entriesComeBackInOrderAcrossRotationsAndReopens() throws IOException {
        List<Entry> expected;
        try (FileProtocolLog log = FileProtocolLog.open(directory, SMALL)) {
            expected = new ArrayList<>(appendAll(log, groups(1, 200)));
            assertThat(log.readAll()).containsExactlyElementsOf(expected);
        }
        assertThat(LogFiles.segments(directory)).hasSizeGreaterThan(20);
        assertThat(expected.stream().map(e -> e.message().type()).distinct()).hasSize(4);

        try (FileProtocolLog log = FileProtocolLog.open(directory, SMALL)) {
            assertThat(log.readAll()).containsExactlyElementsOf(expected);
            expected.addAll(appendAll(log, groups(201, 50)));
        }
        try (FileProtocolLog log = FileProtocolLog.open(directory, SMALL)) {
            assertThat(log.readAll()).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void segmentsStayWithinTheirSizeAndJoinUpByRecordNumber() throws IOException {
        try (FileProtocolLog log = FileProtocolLog.open(directory, SMALL)) {
            appendAll(log, groups(1, 100));
        }
        long nextRecord = 0;
        for (Path segment : LogFiles.segments(directory)) {
            assertThat(Files.size(segment)).isLessThanOrEqualTo(SMALL.segmentBytes());
            assertThat(Segment.firstRecordOf(segment)).hasValue(nextRecord);
            nextRecord += LogFiles.records(segment).size();
        }
        assertThat(nextRecord).isEqualTo(groups(1, 100).stream().mapToLong(List::size).sum());
    }

    @Test
    void aGroupLargerThanASegmentSpansSegmentsAndMarksOnlyItsFirstRecord() throws IOException {
        List<Entry> big = TestMessages.group(7, 40);
        try (FileProtocolLog log = FileProtocolLog.open(directory, SMALL)) {
            log.appendDurably(big);
            assertThat(log.segmentFiles()).hasSizeGreaterThan(1);
        }
        List<Boolean> starts = new ArrayList<>();
        for (Path segment : LogFiles.segments(directory)) {
            LogFiles.records(segment).forEach(r -> starts.add(r.groupStart()));
        }
        assertThat(starts).hasSize(40).first().isEqualTo(true);
        assertThat(starts.subList(1, 40)).containsOnly(false);
        try (FileProtocolLog log = FileProtocolLog.open(directory, SMALL)) {
            assertThat(log.readAll()).containsExactlyElementsOf(big);
        }
    }

    @Test
    void aRecordIsLengthCrcSeqAndTheCodecFrame() throws IOException {
        Entry entry = TestMessages.entry(42, 1);
        try (FileProtocolLog log = FileProtocolLog.open(directory, SMALL)) {
            log.appendDurably(List.of(entry));
        }
        byte[] frame = Codec.encodeFrame(entry.message());
        ByteBuffer file = ByteBuffer.wrap(Files.readAllBytes(LogFiles.segments(directory).getFirst()));
        assertThat(file.remaining()).isEqualTo(16 + frame.length);
        int lengthWord = file.getInt(0);
        assertThat(lengthWord).isEqualTo(0x8000_0000 | frame.length);
        assertThat(file.getLong(8)).isEqualTo(42);
        assertThat(file.slice(16, frame.length)).isEqualTo(ByteBuffer.wrap(frame));
        CRC32C crc = new CRC32C();
        crc.update(file.slice(0, 4));
        crc.update(file.slice(8, 8 + frame.length));
        assertThat(file.getInt(4)).isEqualTo((int) crc.getValue());
    }

    @Test
    void discardBelowDeletesOnlySegmentsWhoseRecordsAreAllBelow() throws IOException {
        List<Entry> all;
        Map<Path, Long> maxSeqBefore = new TreeMap<>();
        long discard = 120;
        try (FileProtocolLog log = FileProtocolLog.open(directory, SMALL)) {
            all = appendAll(log, groups(1, 200));
            for (Path segment : log.segmentFiles()) {
                maxSeqBefore.put(segment, LogFiles.records(segment).stream().mapToLong(LogRecords.Record::seq).max().orElseThrow());
            }
            log.discardBelow(discard);
            assertThat(log.readAll()).containsExactlyElementsOf(all.subList(all.size() - log.readAll().size(), all.size()));
        }
        List<Path> kept = LogFiles.segments(directory);
        maxSeqBefore.forEach((segment, maxSeq) ->
                assertThat(kept.contains(segment)).as("%s with seq up to %d", segment, maxSeq).isEqualTo(maxSeq >= discard));
        try (FileProtocolLog log = FileProtocolLog.open(directory, SMALL)) {
            List<Entry> left = log.readAll();
            assertThat(left.getFirst().seq()).isLessThanOrEqualTo(discard);
            assertThat(left).containsExactlyElementsOf(all.subList(all.size() - left.size(), all.size()));
            assertThat(all.subList(0, all.size() - left.size())).allMatch(e -> e.seq() < discard);
        }
    }

    @Test
    void discardBelowKeepsTheActiveSegmentAndASegmentWithOneNewerRecord() throws IOException {
        try (FileProtocolLog log = FileProtocolLog.open(directory, SMALL)) {
            log.appendDurably(TestMessages.group(1, 3));
            log.appendDurably(List.of(TestMessages.entry(500, 3)));
            appendAll(log, groups(2, 30));
            Path first = log.segmentFiles().getFirst();
            log.discardBelow(100);
            assertThat(log.segmentFiles()).first().isEqualTo(first);
            log.discardBelow(Long.MAX_VALUE);
            assertThat(log.segmentFiles()).hasSize(1);
            Entry after = TestMessages.entry(1_000, 0);
            log.appendDurably(List.of(after));
            assertThat(log.readAll()).endsWith(after);
        }
        try (FileProtocolLog log = FileProtocolLog.open(directory, SMALL)) {
            assertThat(log.readAll()).last().isEqualTo(TestMessages.entry(1_000, 0));
        }
    }

    @Test
    void aMissingOrEmptyDirectoryIsAnEmptyLog() throws IOException {
        Path missing = directory.resolve("a/b/log");
        try (FileProtocolLog log = FileProtocolLog.open(missing, SMALL)) {
            assertThat(log.readAll()).isEmpty();
            log.appendDurably(TestMessages.group(1, 2));
        }
        try (FileProtocolLog log = FileProtocolLog.open(missing, SMALL)) {
            assertThat(log.readAll()).containsExactlyElementsOf(TestMessages.group(1, 2));
        }
        Path empty = Files.createDirectory(directory.resolve("empty"));
        try (FileProtocolLog log = FileProtocolLog.open(empty, SMALL)) {
            assertThat(log.readAll()).isEmpty();
        }
    }

    @Test
    void withoutSyncTheFilesAreTheSame() throws IOException {
        Path synced = directory.resolve("fsync");
        Path unsynced = directory.resolve("none");
        try (FileProtocolLog a = FileProtocolLog.open(synced, SMALL);
             FileProtocolLog b = FileProtocolLog.open(unsynced, SMALL.withSyncMode(SyncMode.NONE))) {
            appendAll(a, groups(1, 60));
            appendAll(b, groups(1, 60));
        }
        List<Path> left = LogFiles.segments(synced);
        List<Path> right = LogFiles.segments(unsynced);
        assertThat(right).hasSameSizeAs(left);
        for (int i = 0; i < left.size(); i++) {
            assertThat(right.get(i)).hasFileName(left.get(i).getFileName().toString()).hasSameBinaryContentAs(left.get(i));
        }
    }

    @Test
    void anEmptyGroupWritesNothing() throws IOException {
        try (FileProtocolLog log = FileProtocolLog.open(directory, SMALL)) {
            log.appendDurably(List.<Entry>of());
            assertThat(log.readAll()).isEmpty();
        }
        assertThat(LogFiles.segments(directory)).singleElement().satisfies(s -> assertThat(s).isEmptyFile());
    }

    @Test
    void aSecondOpenOfTheSameDirectoryIsRefused() {
        try (FileProtocolLog log = FileProtocolLog.open(directory, SMALL)) {
            assertThatThrownBy(() -> FileProtocolLog.open(directory, SMALL))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("already open");
            log.appendDurably(TestMessages.group(1, 1));
        }
        try (FileProtocolLog log = FileProtocolLog.open(directory, SMALL)) {
            assertThat(log.readAll()).hasSize(1);
        }
    }

    @Test
    void aClosedLogRefusesCalls() {
        FileProtocolLog log = FileProtocolLog.open(directory, SMALL);
        log.close();
        log.close();
        assertThatThrownBy(() -> log.appendDurably(TestMessages.group(1, 1))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(log::readAll).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void settingsRejectSegmentSizesOutsideTheLimits() {
        assertThatThrownBy(() -> Settings.defaults().withSegmentBytes(FileProtocolLog.SEGMENT_BYTES_MIN - 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Settings.defaults().withSegmentBytes(FileProtocolLog.SEGMENT_BYTES_MAX + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theNoneLogKeepsNothing() {
        ProtocolLog.NONE.appendDurably(TestMessages.group(1, 3));
        assertThat(ProtocolLog.NONE.readAll()).isEmpty();
    }
}
