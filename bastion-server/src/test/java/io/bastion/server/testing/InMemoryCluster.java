package io.bastion.server.testing;

import io.bastion.core.TestKeys;
import io.bastion.core.config.ClusterConfig;
import io.bastion.core.crypto.SignatureVerifier;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.core.service.Service;
import io.bastion.server.runtime.ReplicaRuntime;
import io.bastion.server.runtime.ReplicaTransport;
import io.bastion.server.runtime.ReplicaStorage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Real replica runtimes (threads, queues, verifier pools) in one JVM, connected by an in-memory
 * transport with a switch per replica to make it silent. Test-only signatures (TestKeys).
 */
public final class InMemoryCluster implements AutoCloseable {
    private final ClusterConfig config;
    private final List<ReplicaRuntime> runtimes = new ArrayList<>();
    private final AtomicBoolean[] silent;
    private final Map<Long, Consumer<Reply>> clients = new ConcurrentHashMap<>();

    public InMemoryCluster(ClusterConfig config, Supplier<Service> services) {
        this(config, id -> services.get(), id -> TestKeys.VERIFIER, ReplicaRuntime.Settings.defaults());
    }

    /**
     * Replica {@code id} runs {@code services.apply(id)}, checks signatures with
     * {@code verifiers.apply(id)} (a stand-in for {@link TestKeys#VERIFIER}, e.g. one that counts)
     * and runs with {@code settings}.
     */
    public InMemoryCluster(ClusterConfig config, IntFunction<Service> services, IntFunction<SignatureVerifier> verifiers,
                           ReplicaRuntime.Settings settings) {
        this.config = config;
        this.silent = new AtomicBoolean[config.n()];
        for (int i = 0; i < config.n(); i++) {
            silent[i] = new AtomicBoolean();
            runtimes.add(new ReplicaRuntime(i, config, TestKeys.signer(i), verifiers.apply(i), services.apply(i),
                    config.clientKeys()::get, ReplicaStorage.none(), settings));
        }
        for (int i = 0; i < config.n(); i++) {
            runtimes.get(i).start(transportOf(i));
        }
    }

    private ReplicaTransport transportOf(int self) {
        return new ReplicaTransport() {
            @Override
            public void send(int replicaId, Envelope<?> message) {
                if (!silent[self].get() && !silent[replicaId].get()) {
                    runtimes.get(replicaId).onReplicaMessage(self, message);
                }
            }

            @Override
            public void broadcast(Envelope<?> message) {
                for (int r = 0; r < config.n(); r++) {
                    if (r != self) {
                        send(r, message);
                    }
                }
            }

            @Override
            public void sendToClient(long clientId, Envelope<?> message) {
                Consumer<Reply> client = clients.get(clientId);
                if (!silent[self].get() && client != null) {
                    client.accept((Reply) message.message());
                }
            }
        };
    }

    public ClusterConfig config() {
        return config;
    }

    public ReplicaRuntime replica(int id) {
        return runtimes.get(id);
    }

    public List<ReplicaRuntime> replicas() {
        return runtimes;
    }

    /** Cuts replica {@code id} off (or reconnects it): nothing reaches it or leaves it. */
    public void silence(int id, boolean isSilent) {
        silent[id].set(isSilent);
    }

    /** Registers where replies to {@code clientId} go. */
    public void registerClient(long clientId, Consumer<Reply> replies) {
        clients.put(clientId, replies);
    }

    /** Delivers a client's request to every replica that is not silent. */
    public void broadcastFromClient(Envelope<Request> request) {
        for (int r = 0; r < config.n(); r++) {
            if (!silent[r].get()) {
                runtimes.get(r).onClientMessage(request, id -> { });
            }
        }
    }

    /** Replicas that are not silent. */
    public int reachable() {
        int count = 0;
        for (AtomicBoolean s : silent) {
            count += s.get() ? 0 : 1;
        }
        return count;
    }

    @Override
    public void close() {
        runtimes.forEach(ReplicaRuntime::close);
    }
}
