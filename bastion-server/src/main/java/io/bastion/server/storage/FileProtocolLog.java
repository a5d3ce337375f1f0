package io.bastion.server.storage;

import io.bastion.core.message.Codec;
import io.bastion.server.storage.LogRecords.Record;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A {@link ProtocolLog} in segment files of one directory, {@code segment-<first record number>.log}
 * (records are numbered from 0 across the log; the record format is in {@link LogRecords}).
 *
 * <p><b>Durability</b> (with {@link SyncMode#FSYNC}): {@link #appendDurably} gathers the group in
 * one buffer, writes it with one write (groups up to {@value #WRITE_BUFFER_BYTES} bytes) and
 * makes it durable with one {@code fdatasync} before it returns. Creating and deleting a segment
 * syncs the directory before the call returns. With {@link SyncMode#NONE} nothing is forced: unsafe,
 * for measurements only.
 *
 * <p><b>Segments.</b> A record that would take the active segment beyond
 * {@link Settings#segmentBytes()} goes to a new one (a larger record gets a segment of its own). A
 * group may span two segments; then its part in the first is synced before the second is
 * created, so only the last segment can ever hold a torn write. {@link #discardBelow} deletes the
 * oldest segments whose records are all below the given sequence number, one at a time and never
 * the active one, so the remaining segments always join up by record number.
 *
 * <p><b>Recovery</b> ({@link #open}): every segment is read and checked. Damage that a crash
 * explains — the last segment ends inside a record, or has a bad length or checksum with no later
 * group starting after it — is a torn write of a group whose append never returned; it is cut
 * off with a warning and appending continues after the last good record. Anything else fails
 * {@code open} with a {@link CorruptStorageException} naming file and offset: damage followed by
 * a later group, damage in a segment other than the last, a frame that does not decode, a missing
 * segment. A missing or empty directory is a new, empty log.
 *
 * <p><b>Memory.</b> Appends go through one direct buffer of {@value #WRITE_BUFFER_BYTES} bytes,
 * whatever the group size. {@code open} holds one segment at a time; {@link #readAll} returns
 * every entry.
 *
 * <p><b>Threads.</b> Not thread-safe: one thread, the replica's core thread, owns the log. A lock
 * on the file {@value #LOCK_FILE} keeps a second process (or a second instance) from opening the
 * same directory. After an I/O failure the log refuses every call but {@link #close}.
 */
public final class FileProtocolLog implements ProtocolLog {
    public static final long SEGMENT_BYTES_MIN = 4 << 10;
    public static final long SEGMENT_BYTES_MAX = 1L << 30;
    public static final long SEGMENT_BYTES_DEFAULT = 64L << 20;
    /** Size of the buffer that groups are gathered in before they are written. */
    public static final int WRITE_BUFFER_BYTES = 1 << 20;
    /** Largest frame body one entry may have. */
    public static final int FRAME_BYTES_MAX = LogRecords.FRAME_BYTES_MAX;
    static final String LOCK_FILE = "lock";

    /**
     * @param segmentBytes size at which the active segment is closed and a new one started
     * @param syncMode     {@link SyncMode#FSYNC} except to measure what durability costs
     */
    public record Settings(long segmentBytes, SyncMode syncMode) {
        public Settings {
            Objects.requireNonNull(syncMode, "syncMode");
            if (segmentBytes < SEGMENT_BYTES_MIN || segmentBytes > SEGMENT_BYTES_MAX) {
                throw new IllegalArgumentException("segmentBytes " + segmentBytes + " outside ["
                        + SEGMENT_BYTES_MIN + ", " + SEGMENT_BYTES_MAX + "]");
            }
        }

        /** Segments of 64 MiB, {@link SyncMode#FSYNC}. */
        public static Settings defaults() {
            return new Settings(SEGMENT_BYTES_DEFAULT, SyncMode.FSYNC);
        }

        public Settings withSegmentBytes(long bytes) {
            return new Settings(bytes, syncMode);
        }

        public Settings withSyncMode(SyncMode mode) {
            return new Settings(segmentBytes, mode);
        }
    }

    private final Path directory;
    private final Settings settings;
    private final FileChannel lock;
    private final ArrayDeque<Segment> segments;
    private final ByteBuffer writeBuffer = ByteBuffer.allocateDirect(WRITE_BUFFER_BYTES);
    private SegmentWriter writer;
    private RuntimeException failure;
    private boolean closed;

    private FileProtocolLog(Path directory, Settings settings, FileChannel lock, List<Segment> segments) {
        this.directory = directory;
        this.settings = settings;
        this.lock = lock;
        this.segments = new ArrayDeque<>(segments);
    }

    /**
     * Opens the log in {@code directory}, creating it if needed, and recovers it as described above.
     *
     * @throws CorruptStorageException if the log is damaged in a way a crash cannot explain
     * @throws UncheckedIOException    if the directory cannot be read or written
     * @throws IllegalStateException   if another process or instance has the log open
     */
    public static FileProtocolLog open(Path directory, Settings settings) {
        try {
            FileIo.createDirectories(directory, settings.syncMode());
            FileChannel lock = lock(directory);
            try {
                FileProtocolLog log = new FileProtocolLog(directory, settings, lock,
                        LogRecovery.recover(directory, settings.syncMode()));
                log.startWriting();
                return log;
            } catch (IOException | RuntimeException e) {
                lock.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the protocol log in " + directory, e);
        }
    }

    private static FileChannel lock(Path directory) throws IOException {
        FileChannel channel = FileChannel.open(directory.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            if (channel.tryLock() != null) {
                return channel;
            }
        } catch (OverlappingFileLockException heldInThisProcess) {
            // reported below, like a lock held by another process
        }
        channel.close();
        throw new IllegalStateException("the protocol log in " + directory + " is already open");
    }

    private void startWriting() throws IOException {
        if (segments.isEmpty()) {
            Segment first = new Segment(directory, 0);
            writer = SegmentWriter.create(first.path, writeBuffer);
            FileIo.syncDirectory(directory, settings.syncMode());
            segments.add(first);
        } else {
            writer = SegmentWriter.reopen(active().path, active().bytes(), writeBuffer);
        }
    }

    private Segment active() {
        return segments.getLast();
    }

    @Override
    public void appendDurably(List<Entry> entries) {
        checkUsable();
        for (Entry entry : entries) {
            if (entry.message().wireSize() > FRAME_BYTES_MAX) {
                throw new IllegalArgumentException("a frame of " + entry.message().wireSize()
                        + " bytes is larger than the log's maximum of " + FRAME_BYTES_MAX);
            }
        }
        if (entries.isEmpty()) {
            return;
        }
        try {
            boolean groupStart = true;
            for (Entry entry : entries) {
                append(entry, groupStart);
                groupStart = false;
            }
            writer.flush();
            force();
        } catch (IOException e) {
            throw fail("cannot append to", e);
        }
    }

    private void append(Entry entry, boolean groupStart) throws IOException {
        byte[] frame = Codec.encodeFrame(entry.message());
        int size = LogRecords.HEADER_BYTES + frame.length;
        if (active().bytes() > 0 && active().bytes() + size > settings.segmentBytes()) {
            rotate();
        }
        writer.append(LogRecords.header(groupStart, entry.seq(), frame), frame);
        active().added(entry.seq(), size);
    }

    /** Closes the active segment, durable, and starts the next one. */
    private void rotate() throws IOException {
        writer.flush();
        force();
        writer.close();
        Segment next = new Segment(directory, active().nextRecord());
        writer = SegmentWriter.create(next.path, writeBuffer);
        FileIo.syncDirectory(directory, settings.syncMode());
        segments.addLast(next);
    }

    private void force() throws IOException {
        if (settings.syncMode() == SyncMode.FSYNC) {
            writer.force();
        }
    }

    @Override
    public void discardBelow(long seq) {
        checkUsable();
        try {
            while (segments.size() > 1 && segments.getFirst().maxSeq() < seq) {
                // one at a time, each deletion durable: a crash must never leave a gap between segments
                Files.delete(segments.getFirst().path);
                segments.removeFirst();
                FileIo.syncDirectory(directory, settings.syncMode());
            }
        } catch (IOException e) {
            throw fail("cannot discard segments of", e);
        }
    }

    @Override
    public List<Entry> readAll() {
        checkUsable();
        List<Entry> entries = new ArrayList<>();
        try {
            for (Segment segment : segments) {
                LogRecords.Scan scan = LogRecords.scan(FileIo.readAll(segment.path));
                if (scan.bad() != null || scan.records().size() != segment.recordCount()) {
                    String problem = scan.bad() != null ? scan.bad().problem() : "record count changed";
                    throw new CorruptStorageException(segment.path, scan.end(), problem + " since the log was opened");
                }
                for (Record r : scan.records()) {
                    entries.add(new Entry(r.seq(), r.message()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the protocol log in " + directory, e);
        }
        return entries;
    }

    /** The segment files, oldest first (for tests and diagnostics). */
    List<Path> segmentFiles() {
        return segments.stream().map(s -> s.path).toList();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            try {
                writer.close();
            } finally {
                lock.close(); // releases the directory lock
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the protocol log in " + directory, e);
        }
    }

    private void checkUsable() {
        if (closed) {
            throw new IllegalStateException("the protocol log in " + directory + " is closed");
        }
        if (failure != null) {
            throw new IllegalStateException("the protocol log in " + directory + " failed earlier", failure);
        }
    }

    private RuntimeException fail(String what, IOException e) {
        failure = new UncheckedIOException(what + " the protocol log in " + directory + "; it accepts no further calls", e);
        return failure;
    }

    @Override
    public String toString() {
        return "FileProtocolLog[" + directory + ", " + segments.size() + " segments, " + settings + "]";
    }
}
