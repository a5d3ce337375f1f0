package io.bastion.client;

import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.message.Signed;

import java.util.function.Consumer;

/**
 * How a client reaches the replicas: one connection per replica, kept up with reconnects.
 * Thread-safe; sending never blocks.
 */
public interface ClientTransport extends AutoCloseable {
    /** Starts connecting; every reply from any replica goes to {@code replies} (on I/O threads). */
    void start(Consumer<Reply> replies);

    /** Sends the request to every replica that is connected now. */
    void broadcast(Signed<Request> request);

    /** How many replicas are connected at the moment. */
    int connectedReplicas();

    @Override
    void close();
}
