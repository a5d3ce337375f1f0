package io.bastion.sql;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;

/**
 * Which pages an SQLite write-ahead log holds, read from its frame headers
 * (<a href="https://www.sqlite.org/fileformat2.html#walformat">the WAL format</a>): a 32-byte log
 * header, then frames of a 24-byte frame header — the page number first, big-endian — followed by
 * the page.
 *
 * <p>Every whole frame in the file counts, committed or not, of the log's current generation or of
 * an older one: the answer is a superset of the pages that folding the log into the database
 * writes, which is what {@link CheckpointStore} needs (a page counted needlessly only costs its
 * hash). Frames are not checked; a page number out of range is the caller's to ignore.
 */
final class WalPages {
    static final int LOG_HEADER_BYTES = 32;
    static final int FRAME_HEADER_BYTES = 24;

    private WalPages() {}

    /** The 0-based indexes (page number - 1) of the pages in {@code log}'s frames; empty if there is no log. */
    static BitSet read(Path log, int pageBytes) throws IOException {
        BitSet pages = new BitSet();
        FileChannel channel;
        try {
            channel = FileChannel.open(log, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return pages;
        }
        try (channel) {
            long frameBytes = FRAME_HEADER_BYTES + (long) pageBytes;
            long frames = Math.max(0, (channel.size() - LOG_HEADER_BYTES) / frameBytes);
            ByteBuffer pageNumber = ByteBuffer.allocate(Integer.BYTES);
            for (long frame = 0; frame < frames; frame++) {
                pageNumber.clear();
                long offset = LOG_HEADER_BYTES + frame * frameBytes;
                while (pageNumber.hasRemaining()) {
                    if (channel.read(pageNumber, offset + pageNumber.position()) < 0) {
                        throw new IOException("unexpected end of " + log);
                    }
                }
                long number = Integer.toUnsignedLong(pageNumber.getInt(0));
                if (number >= 1 && number <= Integer.MAX_VALUE) {
                    pages.set((int) (number - 1));
                }
            }
        }
        return pages;
    }
}
