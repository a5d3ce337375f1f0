package io.bastion.client;

import io.bastion.core.config.ClusterConfig;
import io.bastion.core.message.Challenge;
import io.bastion.core.message.Hello;
import io.bastion.core.message.KeyNonce;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.net.NetSettings;
import io.bastion.net.connector.ClusterConnector;
import io.bastion.net.tls.ClientSecurity;
import io.netty.channel.EventLoopGroup;

import java.util.function.Consumer;

/**
 * The TCP transport of a client: one connection to every replica's client port (TLS by default,
 * checking each replica's certificate against the cluster file), reconnecting with back-off. A connection to replica r only delivers replies and challenges that claim to come
 * from r. It serves one client, so every reply goes to it whatever its client id. Thread-safe.
 */
public final class NettyClientTransport implements ClientTransport {
    private final ClusterConfig config;
    private final NetSettings settings;
    private final ClientSecurity security;
    private final EventLoopGroup group;
    private ClusterConnector connector;
    private volatile ChallengeListener challenges;
    private volatile KeyNonceListener keyNonces;

    /**
     * Connections secured by TLS that accepts each replica's certificate signed by its key in
     * {@code config}.
     *
     * @param group shared event loops, owned by the caller; {@code null} for a group of its own
     */
    public NettyClientTransport(ClusterConfig config, NetSettings settings, EventLoopGroup group) {
        this(config, settings, ClientSecurity.tls(config), group);
    }

    /** Connections secured by {@code security}. */
    public NettyClientTransport(ClusterConfig config, NetSettings settings, ClientSecurity security,
                                EventLoopGroup group) {
        this.config = config;
        this.settings = settings;
        this.security = security;
        this.group = group;
    }

    @Override
    public void start(Consumer<Reply> replies) {
        io.bastion.net.connector.ReplicaMessageHandler handler = (replicaId, message) -> {
            switch (message.message()) {
                case Reply reply when reply.replicaId() == replicaId -> replies.accept(reply);
                case Challenge c when c.replicaId() == replicaId && challenges != null -> {
                    @SuppressWarnings("unchecked")
                    Envelope<Challenge> challenge = (Envelope<Challenge>) message;
                    challenges.onChallenge(replicaId, challenge);
                }
                case KeyNonce k when k.replicaId() == replicaId && keyNonces != null ->
                        keyNonces.onKeyNonce(replicaId, k.nonceUnsafe());
                default -> { }
            }
        };
        connector = group == null ? new ClusterConnector(config, settings, security, handler)
                : new ClusterConnector(config, settings, security, group, handler);
        connector.start();
    }

    @Override
    public void broadcast(Envelope<Request> request) {
        connector.broadcast(request);
    }

    @Override
    public void broadcastHello(Envelope<Hello> hello, ChallengeListener listener) {
        this.challenges = listener;
        connector.broadcast(hello);
    }

    @Override
    public boolean confidential() {
        return security.isTls();
    }

    @Override
    public void onKeyNonces(KeyNonceListener listener) {
        this.keyNonces = listener;
    }

    @Override
    public void send(int replicaId, Envelope<?> message) {
        connector.send(replicaId, message);
    }

    @Override
    public int connectedReplicas() {
        return connector.connectedCount();
    }

    @Override
    public void close() {
        if (connector != null) {
            connector.close();
        }
    }
}
