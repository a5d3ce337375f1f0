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
}
