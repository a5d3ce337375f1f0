package io.bastion.server.storage;

import io.bastion.core.crypto.Digest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Durable snapshots of the replicated state at checkpoints, one file per sequence number in one
 * directory: {@code snapshot-<seq>.snap}.
 *
 * <pre>
 * file   := magic:8 bytes "BSNAPv01" seq:i64 length:i64 sha256:32 bytes state:length bytes
 * </pre>
 *
 * <p><b>Durability</b> (with {@link SyncMode#FSYNC}): {@link #write} writes a temporary file,
 * forces it, renames it into place and syncs the directory before it returns, so a snapshot is
 * either wholly there or not at all, never partly visible. With {@link SyncMode#NONE} nothing is
 * forced: unsafe, for measurements only.
 *
 * <p><b>Checks.</b> Reading checks magic, sequence number, length and digest. {@link #read}
 * reports a failed check with a {@link CorruptStorageException}; {@link #latest} skips a damaged
 * snapshot with a warning and falls back to the previous one. Temporary files that a crash left
 * behind are never read; {@link #open} deletes them.
 *
 * <p><b>Threads.</b> Safe for use from several threads: every method is synchronized.
 */
public final class SnapshotStore {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotStore.class);

    static final byte[] MAGIC = "BSNAPv01".getBytes(StandardCharsets.US_ASCII);
    static final int SEQ_OFFSET = 8;
    static final int LENGTH_OFFSET = 16;
    static final int DIGEST_OFFSET = 24;
    public static final int HEADER_BYTES = DIGEST_OFFSET + Digest.BYTES;
    /** Largest state a snapshot holds: the largest array the JVM reliably allocates. */
    public static final int STATE_BYTES_MAX = FileIo.ARRAY_BYTES_MAX;

    private static final Pattern NAME = Pattern.compile("snapshot-(\\d{20})\\.snap");
    private static final String TEMPORARY_SUFFIX = ".tmp";

    /** The state as of sequence number {@code seq}. The array is not copied: do not modify it. */
    public record Snapshot(long seq, byte[] state) {
        public Snapshot {
            Objects.requireNonNull(state, "state");
        }
    }

    private final Path directory;
    private final SyncMode syncMode;

    private SnapshotStore(Path directory, SyncMode syncMode) {
        this.directory = directory;
        this.syncMode = syncMode;
    }

    /** Opens the store in {@code directory}, creating it if needed and deleting temporary files left by a crash. */
    public static SnapshotStore open(Path directory, SyncMode syncMode) {
        Objects.requireNonNull(syncMode, "syncMode");
        try {
            FileIo.createDirectories(directory, syncMode);
            SnapshotStore store = new SnapshotStore(directory, syncMode);
            store.deleteTemporaryFiles();
            return store;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the snapshot store in " + directory, e);
        }
    }

    private void deleteTemporaryFiles() throws IOException {
        List<Path> leftovers;
        try (Stream<Path> files = Files.list(directory)) {
            leftovers = files.filter(f -> f.getFileName().toString().endsWith(TEMPORARY_SUFFIX)).toList();
        }
        for (Path leftover : leftovers) {
            LOG.warn("deleting {}, an incomplete snapshot left by a crash", leftover);
            Files.delete(leftover);
        }
        if (!leftovers.isEmpty()) {
            FileIo.syncDirectory(directory, syncMode);
        }
    }

    /** Stores {@code state} as the snapshot at {@code seq}, replacing one already there; atomic and durable. */
    public synchronized void write(long seq, byte[] state) {
        if (seq < 0) {
            throw new IllegalArgumentException("negative sequence number " + seq);
        }
        Path file = file(seq);
        Path temporary = file.resolveSibling(file.getFileName() + TEMPORARY_SUFFIX);
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                FileIo.writeFully(channel, header(seq, state));
                FileIo.writeFully(channel, state);
                if (syncMode == SyncMode.FSYNC) {
                    channel.force(false);
                }
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            FileIo.syncDirectory(directory, syncMode);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write snapshot " + seq + " to " + directory, e);
        }
    }

    private static ByteBuffer header(long seq, byte[] state) {
        return ByteBuffer.allocate(HEADER_BYTES)
                .put(MAGIC)
                .putLong(seq)
                .putLong(state.length)
                .put(Digest.sha256(state).toBytes())
                .flip();
    }

    /** The newest snapshot that passes its checks; damaged ones are skipped with a warning. */
    public synchronized Optional<Snapshot> latest() {
        List<Long> sequences = sequences();
        for (int i = sequences.size() - 1; i >= 0; i--) {
            try {
                Optional<Snapshot> snapshot = read(sequences.get(i));
                if (snapshot.isPresent()) {
                    return snapshot;
                }
            } catch (CorruptStorageException e) {
                LOG.warn("skipping a damaged snapshot: {}", e.getMessage());
            }
        }
        return Optional.empty();
    }

    /**
     * The snapshot at {@code seq}, or empty if there is none.
     *
     * @throws CorruptStorageException if its file fails a check
     */
    public synchronized Optional<Snapshot> read(long seq) {
        Path file = file(seq);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return Optional.of(new Snapshot(seq, readChecked(file, channel, seq)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read snapshot " + file, e);
        }
    }

    private static byte[] readChecked(Path file, FileChannel channel, long seq) throws IOException {
        long size = channel.size();
        if (size < HEADER_BYTES) {
            throw new CorruptStorageException(file, size, "file of " + size + " bytes ends inside the header");
        }
        byte[] header = new byte[HEADER_BYTES];
        FileIo.readFully(channel, header, 0);
        ByteBuffer h = ByteBuffer.wrap(header);
        if (!Arrays.equals(header, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new CorruptStorageException(file, 0, "not a snapshot file (bad magic)");
        }
        if (h.getLong(SEQ_OFFSET) != seq) {
            throw new CorruptStorageException(file, SEQ_OFFSET, "holds sequence number " + h.getLong(SEQ_OFFSET));
        }
        long length = h.getLong(LENGTH_OFFSET);
        if (length != size - HEADER_BYTES || length > STATE_BYTES_MAX) {
            throw new CorruptStorageException(file, LENGTH_OFFSET,
                    "header announces " + length + " state bytes, the file holds " + (size - HEADER_BYTES));
        }
        byte[] state = new byte[(int) length];
        FileIo.readFully(channel, state, HEADER_BYTES);
        if (!Arrays.equals(header, DIGEST_OFFSET, HEADER_BYTES, Digest.sha256(state).toBytes(), 0, Digest.BYTES)) {
            throw new CorruptStorageException(file, DIGEST_OFFSET, "SHA-256 of the state does not match the header");
        }
        return state;
    }

    /** Deletes the snapshots below {@code seq}, except the newest one, which is always kept. */
    public synchronized void retainFrom(long seq) {
        List<Long> sequences = sequences();
        List<Long> doomed = sequences.subList(0, Math.max(0, sequences.size() - 1)).stream().filter(s -> s < seq).toList();
        try {
            for (long s : doomed) {
                Files.delete(file(s));
            }
            if (!doomed.isEmpty()) {
                FileIo.syncDirectory(directory, syncMode);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete old snapshots in " + directory, e);
        }
    }

    /** Sequence numbers of the snapshot files present, ascending (damaged ones included). */
    public synchronized List<Long> sequences() {
        List<Long> sequences = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Matcher m = NAME.matcher(file.getFileName().toString());
                if (m.matches()) {
                    sequences.add(Long.parseLong(m.group(1)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list snapshots in " + directory, e);
        }
        sequences.sort(null);
        return sequences;
    }

    /** The file of the snapshot at {@code seq}. */
    Path file(long seq) {
        return directory.resolve(String.format("snapshot-%020d.snap", seq));
    }

    @Override
    public String toString() {
        return "SnapshotStore[" + directory + ", " + syncMode + "]";
    }
}
