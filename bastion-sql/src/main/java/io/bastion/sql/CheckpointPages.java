package io.bastion.sql;

import io.bastion.core.crypto.Digest;
import io.bastion.core.util.Check;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.SortedMap;

/**
 * One kept checkpoint, in its file {@code checkpoint-<seq>.pages}: its sequence number, page count
 * and digest (the Merkle root of its pages), and the pages of the checkpoint that the next newer
 * state no longer holds — the next kept checkpoint, or the database file for the newest — each with
 * its leaf hash. The checkpoint's page i is the one saved here if there is one, else page i of the
 * next newer state: {@link CheckpointStore} walks that chain.
 *
 * <p>The file: the magic {@code BPAGES01}, seq (8 bytes), page count (4), entry count (4), root (32),
 * then the entries in increasing page order, each the page index (4), its leaf (32) and the page.
 * A file is written whole beside its final name, synced and renamed into place; it is replaced the
 * same way when pages are added, never changed in place. Immutable object; reading pages is
 * thread-safe.
 */
final class CheckpointPages implements AutoCloseable {
    static final String PREFIX = "checkpoint-";
    static final String SUFFIX = ".pages";
    private static final byte[] MAGIC = "BPAGES01".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int HEADER_BYTES = MAGIC.length + Long.BYTES + 2 * Integer.BYTES + Digest.BYTES;

    /** A saved page: its contents and leaf hash. */
    record Saved(Digest leaf, byte[] page) {}

    private final Path file;
    private final long seq;
    private final int pageCount;
    private final Digest root;
    private final int pageBytes;
    /** Indexes of the saved pages, increasing. */
    private final int[] indexes;
    private final Digest[] leaves;
    private final FileChannel channel;

    private CheckpointPages(Path file, long seq, int pageCount, Digest root, int pageBytes, int[] indexes,
                            Digest[] leaves, FileChannel channel) {
        this.file = file;
        this.seq = seq;
        this.pageCount = pageCount;
        this.root = root;
        this.pageBytes = pageBytes;
        this.indexes = indexes;
        this.leaves = leaves;
        this.channel = channel;
    }

    static Path fileOf(Path directory, long seq) {
        return directory.resolve(PREFIX + seq + SUFFIX);
    }

    /** The seq a file name stands for, or -1 if it is not a checkpoint's pages file. */
    static long seqOf(String name) {
        if (!name.startsWith(PREFIX) || !name.endsWith(SUFFIX)) {
            return -1;
        }
        String digits = name.substring(PREFIX.length(), name.length() - SUFFIX.length());
        return digits.matches("[0-9]{1,18}") ? Long.parseLong(digits) : -1;
    }

    long seq() {
        return seq;
    }

    int pageCount() {
        return pageCount;
    }

    Digest root() {
        return root;
    }

    int savedCount() {
        return indexes.length;
    }

    boolean saved(int index) {
        return Arrays.binarySearch(indexes, index) >= 0;
    }

    /** Replaces, in {@code leaves} (the next newer state's), the leaves of the pages saved here, and cuts or extends it to this page count. */
    void applyTo(List<Digest> leaves) {
        while (leaves.size() > pageCount) {
            leaves.remove(leaves.size() - 1);
        }
        int newer = leaves.size();
        while (leaves.size() < pageCount) {
            leaves.add(null);
        }
        for (int i = 0; i < indexes.length; i++) {
            leaves.set(indexes[i], this.leaves[i]);
        }
        for (int i = newer; i < pageCount; i++) {
            Check.that(leaves.get(i) != null, "%s lacks page %d, which the newer state does not hold", file, i);
        }
    }

    /** Saved page {@code index}, or {@code null} if the next newer state holds it. */
    byte[] page(int index) {
        int at = Arrays.binarySearch(indexes, index);
        if (at < 0) {
            return null;
        }
        ByteBuffer page = ByteBuffer.allocate(pageBytes);
        long offset = HEADER_BYTES + (long) at * entryBytes(pageBytes) + Integer.BYTES + Digest.BYTES;
        try {
            readFully(channel, page, offset, file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read page " + index + " of " + file, e);
        }
        return page.array();
    }

    private static int entryBytes(int pageBytes) {
        return Integer.BYTES + Digest.BYTES + pageBytes;
    }

    /**
     * Writes the file of checkpoint {@code seq} with this file's saved pages (if {@code previous} is
     * not null, of the same checkpoint) and {@code added}; durable before it returns if {@code durable}.
     */
    static CheckpointPages write(Path directory, long seq, int pageCount, Digest root, int pageBytes,
                                 CheckpointPages previous, SortedMap<Integer, Saved> added, boolean durable) {
        Check.argument(previous == null || previous.seq == seq, "pages of another checkpoint");
        Path file = fileOf(directory, seq);
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        int total = (previous == null ? 0 : previous.indexes.length) + added.size();
        int[] indexes = new int[total];
        Digest[] leaves = new Digest[total];
        try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
            header.put(MAGIC).putLong(seq).putInt(pageCount).putInt(total).put(root.toBytes()).flip();
            writeFully(out, header);
            int at = 0;
            int fromPrevious = 0;
            for (var entry : added.entrySet()) {
                while (previous != null && fromPrevious < previous.indexes.length
                        && previous.indexes[fromPrevious] < entry.getKey()) {
                    int index = previous.indexes[fromPrevious];
                    writeEntry(out, index, previous.leaves[fromPrevious], previous.page(index), indexes, leaves, at++);
                    fromPrevious++;
                }
                Check.that(previous == null || fromPrevious >= previous.indexes.length
                        || previous.indexes[fromPrevious] != entry.getKey(), "page %d saved twice", entry.getKey());
                Check.that(entry.getKey() >= 0 && entry.getKey() < pageCount, "page %d of %d", entry.getKey(), pageCount);
                writeEntry(out, entry.getKey(), entry.getValue().leaf(), entry.getValue().page(), indexes, leaves, at++);
            }
            while (previous != null && fromPrevious < previous.indexes.length) {
                int index = previous.indexes[fromPrevious];
                writeEntry(out, index, previous.leaves[fromPrevious], previous.page(index), indexes, leaves, at++);
                fromPrevious++;
            }
            if (durable) {
                out.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + temporary, e);
        }
        try {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            if (durable) {
                SqlDatabase.forceDirectory(directory);
            }
            if (previous != null) {
                previous.close();
            }
            return new CheckpointPages(file, seq, pageCount, root, pageBytes, indexes, leaves,
                    FileChannel.open(file, StandardOpenOption.READ));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot put " + file + " in place", e);
        }
    }

    private static void writeEntry(FileChannel out, int index, Digest leaf, byte[] page, int[] indexes, Digest[] leaves,
                                   int at) throws IOException {
        Check.that(page.length > 0, "an empty page %d", index);
        ByteBuffer entry = ByteBuffer.allocate(Integer.BYTES + Digest.BYTES + page.length);
        entry.putInt(index).put(leaf.toBytes()).put(page).flip();
        writeFully(out, entry);
        indexes[at] = index;
        leaves[at] = leaf;
    }

    /** Reads a checkpoint's pages file; fails if it is not one, or is cut short. */
    static CheckpointPages read(Path file, int pageBytes) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
            readFully(channel, header, 0, file);
            header.flip();
            byte[] magic = new byte[MAGIC.length];
            header.get(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IOException(file + " is not a checkpoint's pages file");
            }
            long seq = header.getLong();
            int pageCount = header.getInt();
            int total = header.getInt();
            byte[] root = new byte[Digest.BYTES];
            header.get(root);
            if (total < 0 || pageCount < 0 || channel.size() != HEADER_BYTES + (long) total * entryBytes(pageBytes)) {
                throw new IOException(file + " has the wrong length for " + total + " pages");
            }
            int[] indexes = new int[total];
            Digest[] leaves = new Digest[total];
            ByteBuffer entry = ByteBuffer.allocate(Integer.BYTES + Digest.BYTES);
            for (int i = 0; i < total; i++) {
                entry.clear();
                readFully(channel, entry, HEADER_BYTES + (long) i * entryBytes(pageBytes), file);
                indexes[i] = entry.getInt(0);
                byte[] leaf = new byte[Digest.BYTES];
                entry.get(Integer.BYTES, leaf);
                leaves[i] = Digest.of(leaf);
                if (indexes[i] < 0 || indexes[i] >= pageCount || (i > 0 && indexes[i] <= indexes[i - 1])) {
                    throw new IOException(file + " has page indexes out of order or range");
                }
            }
            return new CheckpointPages(file, seq, pageCount, Digest.of(root), pageBytes, indexes, leaves, channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    static void readFully(FileChannel channel, ByteBuffer buffer, long offset, Path file) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, offset + buffer.position()) < 0) {
                throw new IOException("unexpected end of " + file + " at " + (offset + buffer.position()));
            }
        }
    }

    private static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }

    /** Closes the file and deletes it. */
    void delete() throws IOException {
        close();
        Files.deleteIfExists(file);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + file, e);
        }
    }

    @Override
    public String toString() {
        return "checkpoint " + seq + " (" + pageCount + " pages, " + indexes.length + " saved, root " + root + ")";
    }
}
