package io.bastion.server.storage;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends records to the end of one segment file through the log's direct buffer: records are
 * gathered there and written when it fills or on {@link #flush}, so a group that fits in the
 * buffer costs one write. A direct buffer, because the JDK copies heap buffers into a temporary
 * direct one on every write. Owned by the log's thread.
 */
final class SegmentWriter implements Closeable {
    private final FileChannel channel;
    private final ByteBuffer buffer;

    private SegmentWriter(FileChannel channel, ByteBuffer buffer) {
        this.channel = channel;
        this.buffer = buffer.clear();
    }

    /** A writer on a new, empty file (which must not exist yet). */
    static SegmentWriter create(Path file, ByteBuffer buffer) throws IOException {
        return new SegmentWriter(FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), buffer);
    }

    /** A writer appending after the first {@code bytes} bytes of an existing file, which must have exactly that size. */
    static SegmentWriter reopen(Path file, long bytes, ByteBuffer buffer) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE);
        if (channel.size() != bytes) {
            channel.close();
            throw new IOException(file + " has " + channel.size() + " bytes where recovery left " + bytes);
        }
        channel.position(bytes);
        return new SegmentWriter(channel, buffer);
    }

    void append(byte[] header, byte[] frame) throws IOException {
        put(header);
        put(frame);
    }

    private void put(byte[] bytes) throws IOException {
        int done = 0;
        while (done < bytes.length) {
            if (!buffer.hasRemaining()) {
                flush();
            }
            int n = Math.min(buffer.remaining(), bytes.length - done);
            buffer.put(bytes, done, n);
            done += n;
        }
    }

    /** Hands everything buffered to the operating system. */
    void flush() throws IOException {
        buffer.flip();
        FileIo.writeFully(channel, buffer);
        buffer.clear();
    }

    /** Makes what was flushed durable: {@code fdatasync}, which includes the file's new length. */
    void force() throws IOException {
        channel.force(false);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
