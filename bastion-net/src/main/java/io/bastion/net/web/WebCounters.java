package io.bastion.net.web;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts of what a {@link WebEndpoint} dropped: client messages by {@link WebError}, and error
 * answers it could not send because the client was not reading. Thread-safe and lock-free:
 * incremented on event-loop threads, read from any thread.
 */
public final class WebCounters {
    private final AtomicLongArray errors = new AtomicLongArray(WebError.values().length);
    private final AtomicLongArray errorAnswersDropped = new AtomicLongArray(1);

    void count(WebError error) {
        errors.incrementAndGet(error.ordinal());
    }

    void errorAnswerDropped() {
        errorAnswersDropped.incrementAndGet(0);
    }

    /** Client messages dropped for {@code error}. */
    public long counted(WebError error) {
        return errors.get(error.ordinal());
    }

    /** Every count, in declaration order. */
    public Map<WebError, Long> errors() {
        Map<WebError, Long> snapshot = new EnumMap<>(WebError.class);
        for (WebError e : WebError.values()) {
            snapshot.put(e, counted(e));
        }
        return Collections.unmodifiableMap(snapshot);
    }

    /** Error answers not sent because the connection's outbound buffer was full. */
    public long errorAnswersDropped() {
        return errorAnswersDropped.get(0);
    }

    @Override
    public String toString() {
        return "WebCounters[errors=" + errors() + ", errorAnswersDropped=" + errorAnswersDropped() + "]";
    }
}
