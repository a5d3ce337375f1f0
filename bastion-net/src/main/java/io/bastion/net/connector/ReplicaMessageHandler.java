package io.bastion.net.connector;

import io.bastion.core.message.Envelope;

/**
 * Receives what a replica sends to this client over its client port. {@code replicaId} names the
 * connection it came on, not an authenticated sender: replies carry their own signatures, which
 * the client verifies.
 *
 * <p>Called on a Netty event-loop thread: implementations must not block; they hand the message
 * off and return.
 */
@FunctionalInterface
public interface ReplicaMessageHandler {
    void onMessage(int replicaId, Envelope<?> message);
}
