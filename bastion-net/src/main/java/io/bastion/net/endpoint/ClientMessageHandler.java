package io.bastion.net.endpoint;

import io.bastion.core.message.Envelope;

/**
 * Receives every message a client sends to this replica's client port. The transport does not
 * authenticate clients: each request carries its client's signature, which the replica runtime
 * verifies before it {@linkplain ClientEndpoint#bind binds} the client id to {@code connection}.
 * Hellos and Joins arrive here only within the endpoint's {@link ClientLimits}; a Hello is
 * answered on {@code connection} itself ({@link ClientConnection#send}), since it binds nothing.
 *
 * <p>Called on a Netty event-loop thread, in the order a connection's frames arrived:
 * implementations must not block; they hand the message off and return.
 */
@FunctionalInterface
public interface ClientMessageHandler {
    void onMessage(ClientConnection connection, Envelope<?> message);

    /**
     * A connection to the client port opened (not an adopted WebSocket), before any of its
     * messages is delivered: the replica may send it something first (MAC client mode's KEY-NONCE).
     */
    default void onOpened(ClientConnection connection) {}

    /** {@code connection} closed; it is already unbound from every client id. */
    default void onClosed(ClientConnection connection) {}
}
