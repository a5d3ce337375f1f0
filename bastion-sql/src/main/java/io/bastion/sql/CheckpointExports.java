package io.bastion.sql;

import io.bastion.core.util.Check;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongToIntFunction;

/**
 * Whole copies of some checkpoints, {@code checkpoint-<seq>.db}, for backups ({@code deploy/backup.sh}
 * copies the newest): an ordinary SQLite file, written beside its name in a background thread from
 * the kept checkpoint's pages, synced and renamed into place, never changed afterwards. The newest
 * {@link #EXPORTS_KEPT} are kept.
 *
 * <p>Which checkpoints: those whose number of checkpoint intervals is a multiple of a spacing that
 * grows with the database, the power of two at or above {@code pages / }{@link #PAGES_PER_CHECKPOINT}.
 * A database of up to 1 MiB is exported at every checkpoint; one of 1 GiB every 1,024th, so that the
 * copying costs at most about {@link #PAGES_PER_CHECKPOINT} pages per checkpoint on average, whatever
 * the size. The choice depends only on the checkpoint's seq and page count, so every replica exports
 * the same checkpoints, byte for byte alike.
 *
 * <p>A checkpoint being exported is not dropped (the store asks {@link #mayDrop}); the export reads
 * a slice of pages at a time under the store's lock, so a fold waits for one slice at most.
 * Exports are a convenience: one that fails is logged and given up.
 */
final class CheckpointExports implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointExports.class);

    /** Whole checkpoint copies kept for backups. */
    static final int EXPORTS_KEPT = 3;
    /** Pages copied per checkpoint, on average, at most (twice that at worst, by the rounding to powers of two). */
    static final int PAGES_PER_CHECKPOINT = 256;
    /** Pages read under the lock at a time. */
    static final int SLICE_PAGES = 256;
    /** Bytes written between syncs of an export, so that its last sync has little left to write. */
    static final long SYNC_BYTES = 64L << 20;
    static final String SUFFIX = ".db";
    private static final String UNFINISHED = ".db.tmp";

    /** Pages [from, from + count) of a kept checkpoint, or {@code null} if it is no longer kept. */
    interface PageSource {
        ByteBuffer read(long seq, int from, int count);
    }

    private final Path directory;
    private final int checkpointInterval;
    private final int pageBytes;
    private final boolean durable;
    private final ReentrantLock lock;
    private final Condition idle;
    private final PageSource source;
    private final LongToIntFunction pageCount;
    /** Guarded by {@link #lock}: what runs and waits; a new generation cancels the running export. */
    private long running = -1;
    private long pending = -1;
    private long generation;
    private boolean workerActive;
    private boolean closed;
    private Thread worker;

    CheckpointExports(Path directory, int checkpointInterval, int pageBytes, boolean durable, ReentrantLock lock,
                      PageSource source, LongToIntFunction pageCount) {
        Check.argument(checkpointInterval > 0, "checkpointInterval must be positive");
        this.directory = directory;
        this.checkpointInterval = checkpointInterval;
        this.pageBytes = pageBytes;
        this.durable = durable;
        this.lock = lock;
        this.idle = lock.newCondition();
        this.source = source;
        this.pageCount = pageCount;
    }

    static Path fileOf(Path directory, long seq) {
        return directory.resolve(CheckpointPages.PREFIX + seq + SUFFIX);
    }

    /** Whether checkpoint {@code seq} of {@code pages} pages gets a whole copy. */
    static boolean due(long seq, int checkpointInterval, int pages) {
        long copies = Math.max(1, (pages + (long) PAGES_PER_CHECKPOINT - 1) / PAGES_PER_CHECKPOINT);
        long spacing = Long.highestOneBit(copies);
        if (spacing < copies) {
            spacing <<= 1;
        }
        return (seq / checkpointInterval) % spacing == 0;
    }

    /** Deletes copies a crash interrupted. */
    void removeUnfinished() throws IOException {
        try (var files = Files.list(directory)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (name.startsWith(CheckpointPages.PREFIX) && name.endsWith(UNFINISHED)) {
                    Files.delete(file);
                }
            }
        }
    }

    /** Exports checkpoint {@code seq} if it is due and not exported yet. Called with the lock held. */
    void offer(long seq, int pages) {
        Check.that(lock.isHeldByCurrentThread(), "offer without the store's lock");
        if (closed || !due(seq, checkpointInterval, pages) || Files.exists(fileOf(directory, seq))) {
            return;
        }
        pending = seq;
        if (!workerActive) {
            workerActive = true;
            worker = Thread.ofPlatform().daemon().name("bastion-sql-export").start(this::work);
        }
    }

    /** Whether the store may drop kept checkpoint {@code seq}. Called with the lock held. */
    boolean mayDrop(long seq) {
        return running < 0 || seq < running;
    }

    /** Gives up the running and the waiting export (the checkpoints are about to be replaced). Called with the lock held. */
    void cancel() {
        pending = -1;
        generation++;
    }

    private void work() {
        while (true) {
            long seq;
            long started;
            lock.lock();
            try {
                if (closed || pending < 0) {
                    workerActive = false;
                    idle.signalAll();
                    return;
                }
                seq = pending;
                pending = -1;
                running = seq;
                started = generation;
            } finally {
                lock.unlock();
            }
            try {
                export(seq, started);
            } catch (IOException | RuntimeException e) {
                LOG.warn("could not copy checkpoint {} to {}: {}", seq, fileOf(directory, seq), e.toString());
            } finally {
                lock.lock();
                try {
                    running = -1;
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    private void export(long seq, long started) throws IOException {
        Path target = fileOf(directory, seq);
        Path temporary = directory.resolve(CheckpointPages.PREFIX + seq + UNFINISHED);
        boolean finished = false;
        try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            int pages = pageCount.applyAsInt(seq);
            long unsynced = 0;
            for (int from = 0; from < pages && pages > 0; from += SLICE_PAGES) {
                ByteBuffer slice = readSlice(seq, from, Math.min(SLICE_PAGES, pages - from), started);
                if (slice == null) {
                    return; // dropped, replaced, or closing
                }
                long at = (long) from * pageBytes;
                while (slice.hasRemaining()) {
                    at += out.write(slice, at);
                }
                unsynced += (long) SLICE_PAGES * pageBytes;
                if (durable && unsynced >= SYNC_BYTES) {
                    out.force(false);
                    unsynced = 0;
                }
            }
            if (pages <= 0) {
                return;
            }
            if (durable) {
                out.force(true);
            }
            finished = true;
        } finally {
            if (!finished) {
                Files.deleteIfExists(temporary);
            }
        }
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        if (durable) {
            SqlDatabase.forceDirectory(directory);
        }
        LOG.debug("copied checkpoint {} to {}", seq, target);
        removeOld();
    }

    private ByteBuffer readSlice(long seq, int from, int count, long started) {
        lock.lock();
        try {
            return closed || generation != started ? null : source.read(seq, from, count);
        } finally {
            lock.unlock();
        }
    }

    private void removeOld() throws IOException {
        List<Path> copies;
        try (var files = Files.list(directory)) {
            copies = files.filter(f -> exportSeq(f.getFileName().toString()) >= 0)
                    .sorted(Comparator.comparingLong(f -> exportSeq(f.getFileName().toString()))).toList();
        }
        for (Path old : copies.subList(0, Math.max(0, copies.size() - EXPORTS_KEPT))) {
            Files.deleteIfExists(old);
        }
    }

    /** The seq a whole copy's file name stands for, or -1. */
    static long exportSeq(String name) {
        if (!name.startsWith(CheckpointPages.PREFIX) || !name.endsWith(SUFFIX)) {
            return -1;
        }
        String digits = name.substring(CheckpointPages.PREFIX.length(), name.length() - SUFFIX.length());
        return digits.matches("[0-9]{1,18}") ? Long.parseLong(digits) : -1;
    }

    /** Waits until no export runs or waits. */
    void awaitIdle() throws InterruptedException {
        lock.lock();
        try {
            while (workerActive) {
                idle.await();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Stops the export thread; an unfinished copy is deleted. */
    @Override
    public void close() {
        Thread stopping;
        lock.lock();
        try {
            closed = true;
            cancel();
            stopping = worker;
        } finally {
            lock.unlock();
        }
        if (stopping != null) {
            try {
                stopping.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
