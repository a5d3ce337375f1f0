package io.bastion.server.storage;

import io.bastion.server.storage.FileProtocolLog.Settings;
import io.bastion.server.storage.ProtocolLog.Entry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Opening a damaged log: a torn write at the end of the last segment is cut off and appending
 * continues; anything a crash cannot explain fails with the file and offset of the damage.
 */
class RecoveryTest {
    private static final Settings SMALL = Settings.defaults().withSegmentBytes(FileProtocolLog.SEGMENT_BYTES_MIN);
    /** For the byte-by-byte loops: recovery does not depend on the sync mode, and hundreds of syncs are slow. */
    private static final Settings SMALL_UNSYNCED = SMALL.withSyncMode(SyncMode.NONE);
    /** Groups in the prepared log, so that it has several segments. */
    private static final int GROUPS = 60;

    @TempDir
    Path directory;

    private Path template;
    private List<Entry> written;

    /** A log of {@link #GROUPS} groups of 1 to 3 entries; its last group is one prepare. */
    @BeforeEach
    void writeLog() {
        template = directory.resolve("template");
        written = new ArrayList<>();
        try (FileProtocolLog log = FileProtocolLog.open(template, SMALL)) {
            for (int g = 1; g <= GROUPS; g++) {
                List<Entry> group = g == GROUPS ? List.of(TestMessages.entry(g, 1)) : TestMessages.group(g, 1 + g % 3);
                log.appendDurably(group);
                written.addAll(group);
            }
        }
    }

    private Path copy(String name) {
        return LogFiles.copy(template, directory.resolve(name));
    }

    private static Path lastSegment(Path log) throws IOException {
        return LogFiles.segments(log).getLast();
    }

    private static LogRecords.Record lastRecord(Path log) throws IOException {
        return LogFiles.records(lastSegment(log)).getLast();
    }

    /** Opens the damaged log, expects exactly {@code kept}, appends one entry and expects it after a reopen. */
    private static void expectRecovered(Path log, List<Entry> kept, String what) {
        expectRecovered(log, kept, what, SMALL);
    }

    private static void expectRecovered(Path log, List<Entry> kept, String what, Settings settings) {
        Entry next = TestMessages.entry(10_000, 2);
        try (FileProtocolLog opened = FileProtocolLog.open(log, settings)) {
            assertThat(opened.readAll()).as(what).containsExactlyElementsOf(kept);
            opened.appendDurably(List.of(next));
        }
        List<Entry> expected = new ArrayList<>(kept);
        expected.add(next);
        try (FileProtocolLog opened = FileProtocolLog.open(log, settings)) {
            assertThat(opened.readAll()).as(what).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void aLastRecordCutAtAnyByteIsDropped() throws IOException {
        assertThat(LogFiles.segments(template)).hasSizeGreaterThan(2);
        LogRecords.Record last = lastRecord(template);
        List<Entry> before = written.subList(0, written.size() - 1);
        for (int cut = last.offset(); cut < last.offset() + last.size(); cut++) {
            Path log = copy("cut-" + cut);
            LogFiles.truncate(lastSegment(log), cut);
            expectRecovered(log, before, "cut at " + cut, SMALL_UNSYNCED);
            assertThat(LogFiles.records(lastSegment(log))).last().extracting(LogRecords.Record::seq).isEqualTo(10_000L);
        }
    }

    @Test
    void aLastRecordWithAnyByteFlippedIsDropped() throws IOException {
        LogRecords.Record last = lastRecord(template);
        List<Entry> before = written.subList(0, written.size() - 1);
        for (int at = last.offset(); at < last.offset() + last.size(); at++) {
            Path log = copy("flip-" + at);
            LogFiles.flip(lastSegment(log), at);
            expectRecovered(log, before, "byte " + at + " flipped", SMALL_UNSYNCED);
        }
    }

    @Test
    void zerosAfterTheLastRecordAreCutOff() throws IOException {
        Path log = copy("zeros");
        LogFiles.append(lastSegment(log), new byte[4096]);
        expectRecovered(log, written, "4 KiB of zeros at the end");
    }

    @Test
    void aTornGroupKeepsOnlyTheRecordsBeforeTheDamage() throws IOException {
        Path log = copy("group");
        List<Entry> group = TestMessages.group(GROUPS + 1, 3);
        try (FileProtocolLog opened = FileProtocolLog.open(log, SMALL)) {
            opened.appendDurably(group);
        }
        List<LogRecords.Record> records = LogFiles.records(lastSegment(log));
        LogRecords.Record second = records.get(records.size() - 2);
        LogFiles.flip(lastSegment(log), second.offset() + second.size() / 2);
        List<Entry> kept = new ArrayList<>(written);
        kept.add(group.getFirst());
        // the third record is intact, but belongs to the same group: the group never returned
        expectRecovered(log, kept, "middle record of the last group damaged");
    }

    /** A log of one segment holding single-entry groups at sequence numbers 1 to {@link #GROUPS}. */
    private Path oneSegmentLog(String name) {
        Path log = directory.resolve(name);
        try (FileProtocolLog opened = FileProtocolLog.open(log, Settings.defaults())) {
            for (int g = 1; g <= GROUPS; g++) {
                opened.appendDurably(TestMessages.group(g, 1));
            }
        }
        return log;
    }

    @Test
    void damageFollowedByALaterGroupFailsNamingFileAndOffset() throws IOException {
        Path log = oneSegmentLog("middle");
        Path segment = lastSegment(log);
        LogRecords.Record damaged = LogFiles.records(segment).get(GROUPS / 2);
        LogFiles.flip(segment, damaged.offset() + damaged.size() - 1);
        assertThatThrownBy(() -> FileProtocolLog.open(log, SMALL))
                .isInstanceOfSatisfying(CorruptStorageException.class, e -> {
                    assertThat(e.file()).isEqualTo(segment);
                    assertThat(e.offset()).isEqualTo(damaged.offset());
                })
                .hasMessageContaining(segment.toString())
                .hasMessageContaining("offset " + damaged.offset())
                .hasMessageContaining("CRC32C");
    }

    @Test
    void aDamagedLengthFollowedByALaterGroupFails() throws IOException {
        for (int lengthByte = 0; lengthByte < 4; lengthByte++) {
            Path log = oneSegmentLog("length-" + lengthByte);
            Path segment = lastSegment(log);
            LogRecords.Record damaged = LogFiles.records(segment).get(GROUPS / 2);
            LogFiles.flip(segment, damaged.offset() + lengthByte);
            assertThatThrownBy(() -> FileProtocolLog.open(log, SMALL))
                    .as("byte %d of the length word", lengthByte)
                    .isInstanceOf(CorruptStorageException.class)
                    .hasMessageContaining("offset " + damaged.offset());
        }
    }

    @Test
    void damageInASegmentThatIsNotTheLastFails() throws IOException {
        Path flipped = copy("flipped");
        Path segment = LogFiles.segments(flipped).get(1);
        LogRecords.Record last = LogFiles.records(segment).getLast();
        LogFiles.flip(segment, last.offset() + LogRecords.HEADER_BYTES);
        assertThatThrownBy(() -> FileProtocolLog.open(flipped, SMALL))
                .isInstanceOf(CorruptStorageException.class)
                .hasMessageContaining(segment.toString())
                .hasMessageContaining("offset " + last.offset())
                .hasMessageContaining("not the last");

        Path cut = copy("cut");
        Path cutSegment = LogFiles.segments(cut).get(1);
        LogFiles.truncate(cutSegment, Files.size(cutSegment) - 1);
        assertThatThrownBy(() -> FileProtocolLog.open(cut, SMALL))
                .isInstanceOf(CorruptStorageException.class)
                .hasMessageContaining(cutSegment.toString());
    }

    @Test
    void aMissingSegmentFails() throws IOException {
        Path log = copy("missing");
        List<Path> segments = LogFiles.segments(log);
        Files.delete(segments.get(1));
        assertThatThrownBy(() -> FileProtocolLog.open(log, SMALL))
                .isInstanceOf(CorruptStorageException.class)
                .hasMessageContaining(segments.get(2).toString())
                .hasMessageContaining("missing");
    }

    @Test
    void aFrameThatDoesNotDecodeFailsEvenAtTheEnd() throws IOException {
        Path log = copy("undecodable");
        Path segment = lastSegment(log);
        long offset = Files.size(segment);
        byte[] frame = {(byte) 0x7F, 0}; // no message type has code 0x7F
        LogFiles.append(segment, LogRecords.header(true, 5, frame));
        LogFiles.append(segment, frame);
        assertThatThrownBy(() -> FileProtocolLog.open(log, SMALL))
                .isInstanceOf(CorruptStorageException.class)
                .hasMessageContaining("offset " + offset)
                .hasMessageContaining("does not decode");
    }
}
