package io.bastion.server.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * File operations shared by the log and the snapshot store. Large arrays move in chunks of
 * {@link #CHUNK_BYTES}: the JDK copies a heap buffer through a temporary direct buffer of the
 * same size, so one call with a whole file would briefly double its memory off the heap.
 */
final class FileIo {
    /** Largest single read or write of a heap array. */
    static final int CHUNK_BYTES = 1 << 20;
    /** Largest array the JVM reliably allocates. */
    static final int ARRAY_BYTES_MAX = Integer.MAX_VALUE - 8;

    private FileIo() {}

    /** Makes the names in {@code directory} (files created, renamed or deleted) durable. */
    static void syncDirectory(Path directory, SyncMode syncMode) throws IOException {
        if (syncMode == SyncMode.FSYNC) {
            try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
                channel.force(true);
            }
        }
    }

    /** Creates {@code directory} and any missing parents, each made durable in its parent. */
    static void createDirectories(Path directory, SyncMode syncMode) throws IOException {
        List<Path> missing = new ArrayList<>();
        for (Path p = directory.toAbsolutePath(); p != null && !Files.isDirectory(p); p = p.getParent()) {
            missing.addFirst(p);
        }
        Files.createDirectories(directory);
        for (Path created : missing) {
            syncDirectory(created.getParent(), syncMode);
        }
    }

    /** The whole file; {@link IllegalStateException} if it is too large for one array. */
    static byte[] readAll(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > ARRAY_BYTES_MAX) {
                throw new IllegalStateException(file + " has " + size + " bytes, too many to read at once");
            }
            byte[] data = new byte[(int) size];
            readFully(channel, data, 0);
            return data;
        }
    }

    /** Fills {@code target} from {@code channel} at {@code position}; fewer bytes present is an error. */
    static void readFully(FileChannel channel, byte[] target, long position) throws IOException {
        int done = 0;
        while (done < target.length) {
            ByteBuffer chunk = ByteBuffer.wrap(target, done, Math.min(CHUNK_BYTES, target.length - done));
            int n = channel.read(chunk, position + done);
            if (n < 0) {
                throw new IOException("file ended after " + (position + done) + " bytes");
            }
            done += n;
        }
    }

    /** Writes all of {@code source} at the channel's position. */
    static void writeFully(FileChannel channel, byte[] source) throws IOException {
        int done = 0;
        while (done < source.length) {
            ByteBuffer chunk = ByteBuffer.wrap(source, done, Math.min(CHUNK_BYTES, source.length - done));
            while (chunk.hasRemaining()) {
                done += channel.write(chunk);
            }
        }
    }

    /** Writes all of {@code buffer} at the channel's position. */
    static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }
}
