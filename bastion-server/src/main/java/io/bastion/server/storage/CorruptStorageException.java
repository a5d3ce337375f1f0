package io.bastion.server.storage;

import java.nio.file.Path;

/**
 * Stored data that fails its checks in a way a crash cannot explain: a bad record followed by
 * good ones, damage in a log segment that is not the last, a missing segment, a frame that does
 * not decode, a snapshot whose digest does not match. It names the file and the byte offset of
 * the damage. Storage never skips such data silently: a replica that forgot what it promised
 * could contradict itself, so an operator has to look.
 */
public final class CorruptStorageException extends RuntimeException {
    private final Path file;
    private final long offset;

    public CorruptStorageException(Path file, long offset, String problem) {
        super(file + " at offset " + offset + ": " + problem);
        this.file = file;
        this.offset = offset;
    }

    /** The damaged file. */
    public Path file() {
        return file;
    }

    /** Byte offset of the damage within {@link #file()}. */
    public long offset() {
        return offset;
    }
}
