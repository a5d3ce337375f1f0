package io.bastion.net.endpoint;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Which connection answers go to for each client id: the one most recently bound. A connection
 * that closes is unbound from all its ids. Thread-safe without locks: a bind racing with the
 * close of its connection is undone by whichever of the two runs second.
 */
final class ClientBindings {
    private final ConcurrentHashMap<Long, ClientConnection> byClientId = new ConcurrentHashMap<>();

    void bind(long clientId, ClientConnection connection) {
        connection.boundClientIds().add(clientId);
        ClientConnection previous = byClientId.put(clientId, connection);
        if (previous != null && previous != connection) {
            previous.boundClientIds().remove(clientId);
        }
        if (!connection.isOpen()) {
            byClientId.remove(clientId, connection);
        }
    }

    /** Removes {@code clientId}'s binding, wherever it points (the replica forgot that client). */
    void unbind(long clientId) {
        ClientConnection connection = byClientId.remove(clientId);
        if (connection != null) {
            connection.boundClientIds().remove(clientId);
        }
    }

    /** Marks {@code connection} closed and removes every binding that still points to it. */
    void unbindAll(ClientConnection connection) {
        connection.markClosed();
        for (Long clientId : connection.boundClientIds()) {
            byClientId.remove(clientId, connection);
        }
    }

    ClientConnection connectionOf(long clientId) {
        return byClientId.get(clientId);
    }

    int size() {
        return byClientId.size();
    }
}
