package io.bastion.server.storage;

import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the log knows about one segment file: its path, the number of its first record (records
 * are numbered from 0 across the whole log, so consecutive segments must join up), how many
 * records and bytes it holds, and the highest sequence number among them. Owned by the log's
 * thread.
 */
final class Segment {
    private static final Pattern NAME = Pattern.compile("segment-(\\d{20})\\.log");

    final Path path;
    final long firstRecord;
    private long recordCount;
    private long bytes;
    private long maxSeq = Long.MIN_VALUE;

    Segment(Path directory, long firstRecord) {
        this.path = directory.resolve(fileName(firstRecord));
        this.firstRecord = firstRecord;
    }

    static String fileName(long firstRecord) {
        return String.format("segment-%020d.log", firstRecord);
    }

    /** The first record number a segment file's name gives, or empty for any other file. */
    static OptionalLong firstRecordOf(Path file) {
        Matcher m = NAME.matcher(file.getFileName().toString());
        return m.matches() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
    }

    /** Accounts for one more record of {@code size} bytes at sequence number {@code seq}. */
    void added(long seq, int size) {
        recordCount++;
        bytes += size;
        maxSeq = Math.max(maxSeq, seq);
    }

    long recordCount() {
        return recordCount;
    }

    /** The number the next record appended after this segment's last one gets. */
    long nextRecord() {
        return firstRecord + recordCount;
    }

    long bytes() {
        return bytes;
    }

    /** Highest sequence number held; {@link Long#MIN_VALUE} when empty. */
    long maxSeq() {
        return maxSeq;
    }

    @Override
    public String toString() {
        return path.getFileName() + " (" + recordCount + " records, " + bytes + " bytes)";
    }
}
