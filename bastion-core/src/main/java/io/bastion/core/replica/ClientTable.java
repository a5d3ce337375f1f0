package io.bastion.core.replica;

import java.util.HashMap;
import java.util.Map;

/**
 * The highest executed request number of every client: replicated state that makes execution
 * exactly-once. A request executes only if its number is above the client's entry.
 */
final class ClientTable {
    private final Map<Long, Long> lastExecuted = new HashMap<>();

    ClientTable(Map<Long, Long> initial) {
        lastExecuted.putAll(initial);
    }

    long last(long clientId) {
        return lastExecuted.getOrDefault(clientId, 0L);
    }

    boolean isNew(long clientId, long requestNumber) {
        return requestNumber > last(clientId);
    }

    void markExecuted(long clientId, long requestNumber) {
        lastExecuted.merge(clientId, requestNumber, Math::max);
    }

    void replaceWith(Map<Long, Long> table) {
        lastExecuted.clear();
        lastExecuted.putAll(table);
    }

    Map<Long, Long> snapshot() {
        return Map.copyOf(lastExecuted);
    }
}
