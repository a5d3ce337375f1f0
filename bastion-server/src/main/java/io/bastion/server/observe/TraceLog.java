package io.bastion.server.observe;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import io.bastion.core.message.Envelope;
import io.bastion.core.util.Check;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A replica's message trace: one JSON line ({@link TraceEvent}) per message in or out, appended
 * to a file, so that {@code bastion trace} can line up the replicas of a local cluster on their
 * shared clock. Opt-in: {@link #NONE} records nothing and costs one branch per call.
 *
 * <p>{@link #record} never blocks and never throws: it puts the message on a bounded lock-free
 * queue and returns; when the queue is full the entry is dropped and counted ({@link #dropped}).
 * One background thread takes the messages apart, writes the lines and flushes at least every
 * {@link #FLUSH_INTERVAL_MILLIS} ms. {@link #close} writes what is queued, flushes and closes the
 * file. A write error is logged once; everything after it is counted as dropped.
 *
 * <p>Thread-safe: any thread may record, any thread may close (idempotent). Records after close
 * are dropped and counted; one racing with close may be lost without being counted.
 */
public final class TraceLog implements AutoCloseable {
    /**
     * Entries queued for the writer at most, by default; beyond it entries are dropped. An entry
     * holds its message until written, so this also bounds the memory a slow disk can pin.
     */
    public static final int QUEUE_CAPACITY_DEFAULT = 16_384;
    /** Longest time a recorded line stays unflushed while the log is open. */
    public static final long FLUSH_INTERVAL_MILLIS = 100;
    /** How long the writer sleeps when the queue is empty. */
    static final long IDLE_PARK_MILLIS = 10;
    /** Longest wait in {@link #close} for the writer to drain the queue. */
    public static final long CLOSE_TIMEOUT_MILLIS = 5_000;

    private static final Logger LOG = LoggerFactory.getLogger(TraceLog.class);
    private static final JsonFactory JSON = new JsonFactory();
    private static final SerializableString NO_SEPARATOR = null; // lines end with '\n' instead

    /** The disabled trace: records nothing, holds no thread or file. */
    public static final TraceLog NONE = new TraceLog();

    /** One recorded message, waiting for the writer. */
    private record Entry(long timeMicros, String direction, String peer, Envelope<?> message) {}

    private final boolean enabled;
    private final int replicaId;
    private final int capacity;
    private final Path file;
    private final ConcurrentLinkedQueue<Entry> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final JsonGenerator json;
    private final Thread writer;
    private boolean failed; // writer thread only
    private boolean reportedBadEntry; // writer thread only

    private TraceLog() {
        this.enabled = false;
        this.replicaId = -1;
        this.capacity = 0;
        this.file = null;
        this.json = null;
        this.writer = null;
    }

    private TraceLog(Path file, int replicaId, int capacity, Writer out) throws IOException {
        this.enabled = true;
        this.replicaId = replicaId;
        this.capacity = capacity;
        this.file = file;
        this.json = JSON.createGenerator(out).setRootValueSeparator(NO_SEPARATOR);
        this.writer = new Thread(this::drainUntilClosed, "bastion-trace-" + replicaId);
        this.writer.setDaemon(true);
    }

    /** Opens (creating or appending to) {@code file} with the default queue capacity. */
    public static TraceLog open(Path file, int replicaId) {
        return open(file, replicaId, QUEUE_CAPACITY_DEFAULT);
    }

    /**
     * Opens {@code file} for replica {@code replicaId}'s trace, creating it and its directory if
     * needed and appending if it exists (a restarted replica continues its trace).
     *
     * @param queueCapacity entries queued for the writer at most; beyond it they are dropped
     * @throws UncheckedIOException if the file cannot be opened
     */
    public static TraceLog open(Path file, int replicaId, int queueCapacity) {
        Check.argument(queueCapacity > 0, "a trace queue holds at least one entry");
        Check.argument(replicaId >= 0, "a replica id is not negative: " + replicaId);
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
            TraceLog log;
            try {
                log = new TraceLog(file, replicaId, queueCapacity, out);
            } catch (IOException | RuntimeException e) {
                out.close();
                throw e;
            }
            log.writer.start();
            return log;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open trace file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The current time in epoch microseconds, as {@link #record} expects it. */
    public static long epochMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }

    /** Whether this log records anything; lets a caller skip even reading the clock. */
    public boolean enabled() {
        return enabled;
    }

    /**
     * Records that {@code message} went {@code direction} ({@link TraceEvent#IN} or
     * {@link TraceEvent#OUT}) between this replica and {@code peer} ({@code r2}, {@code c1007},
     * {@link TraceEvent#ALL}) at {@code epochMicros}. Never blocks, never throws.
     */
    public void record(long epochMicros, String direction, String peer, Envelope<?> message) {
        if (!enabled) {
            return;
        }
        if (closed.get()) {
            dropped.incrementAndGet();
            return;
        }
        if (queued.incrementAndGet() > capacity) {
            queued.decrementAndGet();
            dropped.incrementAndGet();
            return;
        }
        queue.offer(new Entry(epochMicros, direction, peer, message));
    }

    /** Entries dropped because the queue was full, the log closed, or the file failed. */
    public long dropped() {
        return dropped.get();
    }

    /** Lines written to the file so far (some may still sit in the write buffer). */
    public long written() {
        return written.get();
    }

    /** The trace file, or {@code null} for {@link #NONE}. */
    public Path file() {
        return file;
    }

    private void drainUntilClosed() {
        long lastFlush = System.nanoTime();
        boolean dirty = false;
        while (!closed.get()) {
            boolean wrote = drain();
            dirty |= wrote;
            long now = System.nanoTime();
            if (dirty && now - lastFlush >= TimeUnit.MILLISECONDS.toNanos(FLUSH_INTERVAL_MILLIS)) {
                flush();
                dirty = false;
                lastFlush = now;
            }
            if (!wrote) {
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(IDLE_PARK_MILLIS));
            }
        }
        drain();
        flush();
        closeFile();
    }

    /** Writes every queued entry; returns whether there was any. */
    private boolean drain() {
        boolean any = false;
        for (Entry e = queue.poll(); e != null; e = queue.poll()) {
            queued.decrementAndGet();
            any = true;
            write(e);
        }
        return any;
    }

    private void write(Entry e) {
        TraceEvent event = eventOf(e);
        if (failed || event == null) {
            dropped.incrementAndGet();
            return;
        }
        try {
            event.write(json);
            json.writeRaw('\n');
            written.incrementAndGet();
        } catch (IOException ex) {
            fail("cannot write to trace file " + file, ex);
            dropped.incrementAndGet();
        }
    }

    /** The line for {@code e}, or {@code null} (logged once) if the caller passed a bad direction, peer or message. */
    private TraceEvent eventOf(Entry e) {
        try {
            return TraceEvent.of(e.timeMicros(), replicaId, e.direction(), e.peer(), e.message());
        } catch (RuntimeException ex) { // a caller's mistake must not end the writer thread
            if (!reportedBadEntry) {
                reportedBadEntry = true;
                LOG.warn("trace entry dropped (further ones are only counted): {}", ex.getMessage());
            }
            return null;
        }
    }

    private void flush() {
        if (!failed) {
            try {
                json.flush(); // the generator's buffer, then the file
            } catch (IOException ex) {
                fail("cannot flush trace file " + file, ex);
            }
        }
    }

    private void closeFile() {
        try {
            json.close(); // closes the file too
        } catch (IOException ex) {
            fail("cannot close trace file " + file, ex);
        }
    }

    private void fail(String what, Exception cause) {
        if (!failed) {
            failed = true;
            LOG.warn("{}; the trace stops here, later messages are counted as dropped: {}", what, cause.toString());
        }
    }

    /** Writes what is queued, flushes and closes the file, and ends the writer thread (bounded wait). */
    @Override
    public void close() {
        if (!enabled || !closed.compareAndSet(false, true)) {
            return;
        }
        LockSupport.unpark(writer);
        try {
            writer.join(CLOSE_TIMEOUT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            LOG.warn("trace writer for {} did not finish within {} ms", file, CLOSE_TIMEOUT_MILLIS);
        }
    }
}
