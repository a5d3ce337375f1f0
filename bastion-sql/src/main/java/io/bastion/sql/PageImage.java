package io.bastion.sql;

import io.bastion.core.crypto.Digest;
import io.bastion.core.crypto.MerkleTree;
import io.bastion.core.util.Check;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A database file seen as pages: the Merkle leaves of its pages and their root, which is the
 * checkpoint digest of a replicated database (replicas apply the same transactions with the same
 * SQLite and settings, so their files are byte-identical). Immutable once read.
 */
public final class PageImage {
    private final Path file;
    private final int pageBytes;
    private final List<Digest> leaves;
    private final Digest root;

    private PageImage(Path file, int pageBytes, List<Digest> leaves) {
        this.file = file;
        this.pageBytes = pageBytes;
        this.leaves = List.copyOf(leaves);
        this.root = MerkleTree.of(leaves).root();
    }

    /** Reads {@code file} page by page (a file whose length is not a multiple of the page size is refused). */
    public static PageImage of(Path file, int pageBytes) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            Check.argument(size % pageBytes == 0, file + " is not a whole number of " + pageBytes + "-byte pages");
            List<Digest> leaves = new ArrayList<>();
            ByteBuffer page = ByteBuffer.allocate(pageBytes);
            for (long offset = 0; offset < size; offset += pageBytes) {
                page.clear();
                readFully(channel, page, offset);
                leaves.add(MerkleTree.leafHash(page.array()));
            }
            if (leaves.isEmpty()) {
                leaves.add(MerkleTree.leafHash(new byte[0]));
            }
            return new PageImage(file, pageBytes, leaves);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long offset) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, offset + buffer.position()) < 0) {
                throw new IOException("unexpected end of file at " + (offset + buffer.position()));
            }
        }
    }

    /** Page {@code index} (0-based) of the file. */
    public byte[] page(int index) {
        Check.argument(index >= 0 && index < leaves.size(), "no page " + index);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            if (channel.size() == 0) {
                return new byte[0];
            }
            ByteBuffer page = ByteBuffer.allocate(pageBytes);
            readFully(channel, page, (long) index * pageBytes);
            return page.array();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read page " + index + " of " + file, e);
        }
    }

    public List<Digest> leaves() {
        return leaves;
    }

    public Digest root() {
        return root;
    }

    public Path file() {
        return file;
    }

    public int pageBytes() {
        return pageBytes;
    }

    /** Whether {@code data} is a full page whose hash is {@code leaf}. */
    public static boolean matches(byte[] data, Digest leaf) {
        return MerkleTree.leafHash(data).equals(leaf);
    }

    @Override
    public String toString() {
        return "PageImage[" + file.getFileName() + ", " + leaves.size() + " pages, root " + root + "]";
    }

    static byte[] copy(byte[] page) {
        return Arrays.copyOf(page, page.length);
    }
}
