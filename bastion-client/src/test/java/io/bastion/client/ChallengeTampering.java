package io.bastion.client;

import io.bastion.core.message.Challenge;
import io.bastion.core.message.Hello;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;

import java.util.function.Consumer;

/**
 * A client transport that plays one replica faulty towards a joining client: the challenges that
 * arrive from {@code faulty} go through {@link Tamper} (changed, dropped, or passed on), the rest
 * through untouched. Everything else goes straight to the wrapped transport.
 */
final class ChallengeTampering implements ClientTransport {
    /** What the faulty replica's challenges go through on their way to the client. */
    @FunctionalInterface
    interface Tamper {
        void apply(Envelope<Challenge> challenge, Consumer<Envelope<Challenge>> deliver);
    }

    private final ClientTransport inner;
    private final int faulty;
    private final Tamper tamper;

    ChallengeTampering(ClientTransport inner, int faulty, Tamper tamper) {
        this.inner = inner;
        this.faulty = faulty;
        this.tamper = tamper;
    }

    @Override
    public void start(Consumer<Reply> replies) {
        inner.start(replies);
    }

    @Override
    public void broadcast(Envelope<Request> request) {
        inner.broadcast(request);
    }

    @Override
    public void broadcastHello(Envelope<Hello> hello, ChallengeListener challenges) {
        inner.broadcastHello(hello, (replicaId, challenge) -> {
            if (replicaId == faulty) {
                tamper.apply(challenge, c -> challenges.onChallenge(replicaId, c));
            } else {
                challenges.onChallenge(replicaId, challenge);
            }
        });
    }

    @Override
    public void addRoute(long clientId) {
        inner.addRoute(clientId);
    }

    @Override
    public void removeRoute(long clientId) {
        inner.removeRoute(clientId);
    }

    @Override
    public int connectedReplicas() {
        return inner.connectedReplicas();
    }

    @Override
    public void close() {
        inner.close();
    }
}
