package io.bastion.net.endpoint;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which connections answers go to for each client id. A binding moves only forward: a verified
 * request with a higher request number than the bound one moves it to its connection; one with
 * the same number from another connection adds that connection beside the first (at most
 * {@link #CONNECTIONS_PER_CLIENT_MAX}; answers go to both); an older number moves nothing. So a
 * replayed old request (a faulty client, or the network) cannot divert an honest client's
 * replies, while a client that reconnects and retransmits its outstanding request gets them on
 * its new connection. A connection that closes is unbound from all its ids.
 *
 * <p>Thread-safe: each client id's binding changes atomically; a bind racing with the close of
 * its connection is undone by whichever of the two runs second.
 */
final class ClientBindings {
    /** Connections answered for one client at once: the first to send its newest request, and the latest. */
    static final int CONNECTIONS_PER_CLIENT_MAX = 2;

    /** Where a client's answers go: the connections that sent its request {@code number}, oldest first. */
    private record Binding(long number, List<ClientConnection> connections) {
        boolean anyOpen() {
            return connections.stream().anyMatch(ClientConnection::isOpen);
        }
    }

    private final ConcurrentHashMap<Long, Binding> byClientId = new ConcurrentHashMap<>();

    /** {@code connection} sent client {@code clientId}'s request {@code requestNumber}, verified. */
    void bind(long clientId, long requestNumber, ClientConnection connection) {
        Binding after = byClientId.compute(clientId, (id, before) -> {
            if (before == null || !before.anyOpen() || requestNumber > before.number()) {
                return new Binding(requestNumber, List.of(connection));
            }
            if (requestNumber < before.number() || before.connections().contains(connection)) {
                return before;
            }
            return new Binding(requestNumber, List.of(before.connections().get(0), connection));
        });
        if (after.connections().contains(connection)) {
            connection.boundClientIds().add(clientId);
            if (!connection.isOpen()) {
                unbindAll(connection);
            }
        }
    }

    /** Removes {@code clientId}'s binding, wherever it points (the replica forgot that client). */
    void unbind(long clientId) {
        Binding binding = byClientId.remove(clientId);
        if (binding != null) {
            binding.connections().forEach(c -> c.boundClientIds().remove(clientId));
        }
    }

    /** Marks {@code connection} closed and removes it from every binding that still holds it. */
    void unbindAll(ClientConnection connection) {
        connection.markClosed();
        for (Long clientId : connection.boundClientIds()) {
            byClientId.computeIfPresent(clientId, (id, binding) -> {
                List<ClientConnection> rest = binding.connections().stream().filter(c -> c != connection).toList();
                return rest.isEmpty() ? null : new Binding(binding.number(), rest);
            });
        }
    }

    /** The open connections bound to {@code clientId}; empty when none. */
    List<ClientConnection> connectionsOf(long clientId) {
        Binding binding = byClientId.get(clientId);
        return binding == null ? List.of() : binding.connections().stream().filter(ClientConnection::isOpen).toList();
    }

    int size() {
        return byClientId.size();
    }
}
