package io.bastion.sql.determinism;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive OS lock on {@code <database>.owner}, held while a replica has its database open, so
 * that no second process (or second open in this one) writes the file. SQLite's own EXCLUSIVE
 * locking mode would do this too, but it makes the file header count restarts (see
 * {@link SqliteSettings}); a lock on a side file changes nothing in the database file.
 */
final class FileOwnership implements AutoCloseable {
    static final String SUFFIX = ".owner";

    private final FileChannel channel;
    private final FileLock lock;

    private FileOwnership(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static FileOwnership acquire(Path database) throws IOException {
        Path lockFile = database.resolveSibling(database.getFileName() + SUFFIX);
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new IOException("another process has " + database + " open");
            }
            return new FileOwnership(channel, lock);
        } catch (OverlappingFileLockException e) {
            channel.close();
            throw new IOException(database + " is already open in this process", e);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
