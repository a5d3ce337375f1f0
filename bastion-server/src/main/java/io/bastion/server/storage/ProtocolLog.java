package io.bastion.server.storage;

import io.bastion.core.message.Signed;

import java.util.List;

/**
 * Durable record of what a replica said (pre-prepares, prepares, commits, checkpoints), written
 * before those messages leave. Called from the replica's core thread only.
 */
public interface ProtocolLog extends AutoCloseable {
    /** Appends messages and makes them durable before returning (one sync for the whole list). */
    void appendDurably(List<Signed<?>> messages);

    /** Entries below {@code seq} are no longer needed. */
    void discardBelow(long seq);

    @Override
    void close();

    /** Keeps nothing: for measurements of the protocol without storage, and for tests. */
    ProtocolLog NONE = new ProtocolLog() {
        @Override
        public void appendDurably(List<Signed<?>> messages) {}

        @Override
        public void discardBelow(long seq) {}

        @Override
        public void close() {}
    };
}
