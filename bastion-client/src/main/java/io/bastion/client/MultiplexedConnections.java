package io.bastion.client;

import io.bastion.core.config.ClusterConfig;
import io.bastion.core.crypto.Digest;
import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.message.Challenge;
import io.bastion.core.message.KeyNonce;
import io.bastion.core.message.Hello;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.net.NetSettings;
import io.bastion.net.connector.ClusterConnector;
import io.bastion.net.tls.ClientSecurity;
import io.netty.channel.EventLoopGroup;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * One connection per replica shared by every client of a process: replies are routed by client
 * id, challenges by the digest of the key they were issued to. Replicas bind a client id to the
 * connection its requests arrive on, so many clients can share one; the gain is fewer sockets and
 * fewer system calls, since a replica writes the replies of a whole batch to one connection with
 * one flush. Routing tables hold an entry per id a connected client answers to. Thread-safe.
 */
final class MultiplexedConnections implements AutoCloseable {
    private final ClusterConnector connector;
    private final Map<Long, Consumer<Reply>> routes = new ConcurrentHashMap<>();
    private final Map<Digest, ClientTransport.ChallengeListener> challengeRoutes = new ConcurrentHashMap<>();
    /** MAC client mode: each replica's latest KEY-NONCE, for clients that start after it arrived. */
    private final java.util.concurrent.atomic.AtomicReferenceArray<byte[]> keyNonces;
    private final java.util.List<ClientTransport.KeyNonceListener> keyNonceListeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    private final boolean confidential;

    MultiplexedConnections(ClusterConfig config, NetSettings settings, ClientSecurity security, EventLoopGroup group) {
        this.keyNonces = new java.util.concurrent.atomic.AtomicReferenceArray<>(config.n());
        this.confidential = security.isTls();
        this.connector = new ClusterConnector(config, settings, security, group, (replicaId, message) -> {
            switch (message.message()) {
                case Reply reply when reply.replicaId() == replicaId -> {
                    Consumer<Reply> route = routes.get(reply.clientId());
                    if (route != null) {
                        route.accept(reply);
                    }
                }
                case Challenge c when c.replicaId() == replicaId -> {
                    ClientTransport.ChallengeListener route = challengeRoutes.get(c.keyDigest());
                    if (route != null) {
                        @SuppressWarnings("unchecked")
                        Envelope<Challenge> challenge = (Envelope<Challenge>) message;
                        route.onChallenge(replicaId, challenge);
                    }
                }
                case KeyNonce k when k.replicaId() == replicaId -> {
                    keyNonces.set(replicaId, k.nonceUnsafe());
                    keyNonceListeners.forEach(l -> l.onKeyNonce(replicaId, k.nonceUnsafe()));
                }
                default -> { }
            }
        });
        connector.start();
    }

    /** A transport for the registered client {@code clientId} over the shared connections. */
    ClientTransport transportFor(long clientId) {
        return new Routed(Set.of(clientId), null);
    }

    /** A transport for a dynamic client signing with {@code key}; its ids are added as it joins. */
    ClientTransport dynamicTransportFor(PublicKeyRef key) {
        return new Routed(Set.of(), Challenge.keyDigest(key));
    }

    /** One client's view of the shared connections: the ids it answers to and its key's challenges. */
    private final class Routed implements ClientTransport {
        private final Set<Long> ids = ConcurrentHashMap.newKeySet();
        private final Set<Long> initial;
        private final Digest keyDigest;
        private volatile Consumer<Reply> replies;
        private volatile KeyNonceListener keyNonceListener;

        Routed(Set<Long> initial, Digest keyDigest) {
            this.initial = initial;
            this.keyDigest = keyDigest;
        }

        @Override
        public void start(Consumer<Reply> consumer) {
            this.replies = consumer;
            initial.forEach(this::addRoute);
        }

        @Override
        public void broadcast(Envelope<Request> request) {
            connector.broadcast(request);
        }

        @Override
        public void broadcastHello(Envelope<Hello> hello, ChallengeListener challenges) {
            if (keyDigest == null || !keyDigest.equals(Challenge.keyDigest(hello.message().key()))) {
                throw new IllegalStateException("this transport carries Hellos of its own client's key only");
            }
            challengeRoutes.put(keyDigest, challenges);
            connector.broadcast(hello);
        }

        @Override
        public void addRoute(long clientId) {
            if (routes.putIfAbsent(clientId, replies) != null && !ids.contains(clientId)) {
                throw new IllegalStateException("client " + clientId + " is already connected in this group");
            }
            ids.add(clientId);
        }

        @Override
        public void removeRoute(long clientId) {
            if (ids.remove(clientId)) {
                routes.remove(clientId, replies);
            }
        }

        @Override
        public int connectedReplicas() {
            return connector.connectedCount();
        }

        @Override
        public boolean confidential() {
            return confidential;
        }

        @Override
        public void onKeyNonces(KeyNonceListener listener) {
            keyNonceListener = listener;
            keyNonceListeners.add(listener);
            for (int r = 0; r < keyNonces.length(); r++) {
                byte[] nonce = keyNonces.get(r);
                if (nonce != null) {
                    listener.onKeyNonce(r, nonce);
                }
            }
        }

        @Override
        public void send(int replicaId, Envelope<?> message) {
            connector.send(replicaId, message);
        }

        @Override
        public void close() {
            if (keyNonceListener != null) {
                keyNonceListeners.remove(keyNonceListener);
            }
            for (Long id : ids) {
                routes.remove(id, replies);
            }
            ids.clear();
            if (keyDigest != null) {
                challengeRoutes.remove(keyDigest);
            }
        }
    }

    @Override
    public void close() {
        connector.close();
    }
}
