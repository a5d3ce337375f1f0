package io.bastion.bench;

import io.bastion.client.ClientTransport;
import io.bastion.core.message.Hello;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;

import java.util.function.Consumer;

/**
 * An honest client's transport that also records every request it sends into {@link SentRequests}
 * (what a faulty client on the same network could capture and replay). Passes every call on
 * unchanged; thread-safe as the transport it wraps.
 */
final class RecordingTransport implements ClientTransport {
    private final ClientTransport transport;
    private final SentRequests sent;

    RecordingTransport(ClientTransport transport, SentRequests sent) {
        this.transport = transport;
        this.sent = sent;
    }

    @Override
    public void start(Consumer<Reply> replies) {
        transport.start(replies);
    }

    @Override
    public void broadcast(Envelope<Request> request) {
        sent.record(request);
        transport.broadcast(request);
    }

    @Override
    public int connectedReplicas() {
        return transport.connectedReplicas();
    }

    @Override
    public void broadcastHello(Envelope<Hello> hello, ChallengeListener challenges) {
        transport.broadcastHello(hello, challenges);
    }

    @Override
    public boolean confidential() {
        return transport.confidential();
    }

    @Override
    public void onKeyNonces(KeyNonceListener listener) {
        transport.onKeyNonces(listener);
    }

    @Override
    public void send(int replicaId, Envelope<?> message) {
        transport.send(replicaId, message);
    }

    @Override
    public void addRoute(long clientId) {
        transport.addRoute(clientId);
    }

    @Override
    public void removeRoute(long clientId) {
        transport.removeRoute(clientId);
    }

    @Override
    public void close() {
        transport.close();
    }
}
