package io.bastion.server.storage;

import io.bastion.core.message.Envelope;

import java.util.List;
import java.util.Objects;

/**
 * A replica's write-ahead record of what it said and accepted: pre-prepares, prepares, commits
 * and checkpoints. The runtime appends the persist messages of a group of steps with
 * {@link #appendDurably} and sends messages only after it returns (persist-before-send), so a
 * replica that crashes and restarts never contradicts what it said earlier; after a restart
 * {@link #readAll} gives back what the log holds.
 *
 * <p>Not thread-safe: one thread, the replica's core thread, owns a log. I/O failures surface as
 * {@link java.io.UncheckedIOException}; after one, a log refuses further use (a failed sync
 * cannot be retried safely) and the replica has to stop.
 */
public interface ProtocolLog extends AutoCloseable {
    /** One persisted message and the sequence number it belongs to (used to discard old entries). */
    record Entry(long seq, Envelope<?> message) {
        public Entry {
            Objects.requireNonNull(message, "message");
            if (seq < 0) {
                throw new IllegalArgumentException("negative sequence number " + seq);
            }
        }
    }

    /**
     * Appends and makes durable before returning: one sync for the whole list (group commit). An
     * empty list does nothing.
     */
    void appendDurably(List<Entry> entries);

    /** Entries with seq &lt; {@code seq} are no longer needed; the log may drop them (whole segments at a time). */
    void discardBelow(long seq);

    /**
     * Everything still held, in append order, for recovery after a restart. Entries below the last
     * {@link #discardBelow} may or may not appear.
     */
    List<Entry> readAll();

    @Override
    void close();

    /** Keeps nothing: for measurements of the protocol without storage, and for tests. */
    ProtocolLog NONE = new ProtocolLog() {
        @Override
        public void appendDurably(List<Entry> entries) {}

        @Override
        public void discardBelow(long seq) {}

        @Override
        public List<Entry> readAll() {
            return List.of();
        }

        @Override
        public void close() {}
    };
}
