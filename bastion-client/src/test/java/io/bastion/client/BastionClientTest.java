package io.bastion.client;

import io.bastion.core.TestKeys;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.core.service.KeyValueService;
import io.bastion.server.testing.InMemoryCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BastionClientTest {
    private final InMemoryCluster cluster = new InMemoryCluster(TestKeys.cluster(1, 2), KeyValueService::new);
    private final List<BastionClient> clients = new ArrayList<>();

    @AfterEach
    void stop() {
        clients.forEach(BastionClient::close);
        cluster.close();
    }

    /** A transport straight into the in-memory cluster; {@code tamper} may rewrite replies. */
    private ClientTransport transport(long clientId, java.util.function.UnaryOperator<Reply> tamper) {
        return new ClientTransport() {
            @Override
            public void start(Consumer<Reply> replies) {
                cluster.registerClient(clientId, r -> replies.accept(tamper.apply(r)));
            }

            @Override
            public void broadcast(Envelope<Request> request) {
                cluster.broadcastFromClient(request);
            }

            @Override
            public int connectedReplicas() {
                return cluster.reachable();
            }

            @Override
            public void close() {}
        };
    }

    private BastionClient client(long id, ClientOptions options, java.util.function.UnaryOperator<Reply> tamper) {
        BastionClient c = BastionClient.connect(cluster.config(), id, TestKeys.signer(id), TestKeys.VERIFIER,
                transport(id, tamper), options);
        clients.add(c);
        return c;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void invokeReturnsTheAgreedResult() throws Exception {
        BastionClient client = client(1000, ClientOptions.defaults(), r -> r);
        assertThat(client.invoke(utf8("put a 1"))).asString().isEqualTo("(nil)");
        assertThat(client.invoke(utf8("put a 2"))).asString().isEqualTo("1");
        Result result = client.invokeForResult(utf8("get a"));
        assertThat(result.value()).asString().isEqualTo("2");
        assertThat(result.agreeing()).hasSizeGreaterThanOrEqualTo(2);
        assertThat(result.dissenting()).isEmpty();
    }

    @Test
    void readOnlyRequestsAreAnsweredWithoutOrderingWhenTwoFPlusOneAgree() throws Exception {
        BastionClient client = client(1000, ClientOptions.defaults(), r -> r);
        client.invoke(utf8("put colour blue"));
        io.bastion.net.testing.Await.until("every replica executed the put", Duration.ofSeconds(10),
                () -> cluster.replicas().stream().allMatch(r -> r.stats().requestsExecuted() == 1));
        long executedBefore = cluster.replica(0).stats().requestsExecuted();
        assertThat(client.invokeReadOnly(utf8("get colour"))).asString().isEqualTo("blue");
        assertThat(client.readOnlyFallbacks()).isZero();
        assertThat(cluster.replica(0).stats().requestsExecuted()).isEqualTo(executedBefore);
    }

    @Test
    void aReadOnlyRequestFallsBackToOrderingWhenTooFewReplicasAgree() throws Exception {
        cluster.silence(3, true); // 3 replicas left: a lie from one leaves no 2f+1 = 3 matching answers
        BastionClient client = client(1000, ClientOptions.defaults(), r -> r.replicaId() != 2 || r.seq() != -1 ? r
                : new Reply(r.replicaId(), r.view(), r.seq(), r.clientId(), r.requestNumber(), utf8("stale"),
                        r.leafIndex(), r.leafCount(), r.proof(), r.batchSignature()));
        client.invoke(utf8("put colour green"));
        assertThat(client.invokeReadOnly(utf8("get colour"))).asString().isEqualTo("green");
        assertThat(client.readOnlyFallbacks()).isEqualTo(1);
    }

    @Test
    void asyncInvocationsRunInOrder() throws Exception {
        BastionClient client = client(1000, ClientOptions.defaults(), r -> r);
        List<CompletableFuture<Result>> futures = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            futures.add(client.invokeAsync(utf8("put k " + i)));
        }
        for (int i = 1; i < 30; i++) {
            assertThat(futures.get(i).get().value()).asString().isEqualTo(Integer.toString(i - 1));
        }
    }

    @Test
    void aLyingReplicaIsOutvotedAndNamed() throws Exception {
        BastionClient client = client(1000, ClientOptions.defaults(), r -> r.replicaId() != 3 ? r
                : new Reply(r.replicaId(), r.view(), r.seq(), r.clientId(), r.requestNumber(), utf8("lie"),
                        r.leafIndex(), r.leafCount(), r.proof(), r.batchSignature()));
        client.invoke(utf8("put x 1"));
        Result result = client.invokeForResult(utf8("get x"));
        assertThat(result.value()).asString().isEqualTo("1");
        assertThat(result.dissenting()).doesNotContain(3); // its tampered reply fails the signature check
    }

    @Test
    void aReplicaThatSignsAWrongResultIsOutvotedAndNamedAsDissenting() throws Exception {
        cluster.close();
        java.util.concurrent.atomic.AtomicInteger made = new java.util.concurrent.atomic.AtomicInteger();
        try (InMemoryCluster lying = new InMemoryCluster(TestKeys.cluster(1, 2), () -> made.getAndIncrement() != 3
                ? new KeyValueService() : new LyingService())) {
            ClientTransport direct = new ClientTransport() {
                @Override
                public void start(Consumer<Reply> replies) {
                    lying.registerClient(1000, replies);
                }

                @Override
                public void broadcast(Envelope<Request> request) {
                    lying.broadcastFromClient(request);
                }

                @Override
                public int connectedReplicas() {
                    return 4;
                }

                @Override
                public void close() {}
            };
            try (BastionClient client = BastionClient.connect(lying.config(), 1000, TestKeys.signer(1000),
                    TestKeys.VERIFIER, direct, ClientOptions.defaults())) {
                client.invoke(utf8("put x 1"));
                Result result = null;
                for (int i = 0; i < 20 && (result == null || result.dissenting().isEmpty()); i++) {
                    result = client.invokeForResult(utf8("get x")); // the lie may arrive after the quorum
                }
                assertThat(result.value()).asString().isEqualTo("1");
                assertThat(result.dissenting()).containsExactly(3);
            }
        }
    }

    /** Executes like the key-value service but answers a lie, correctly signed. */
    private static final class LyingService implements io.bastion.core.service.Service {
        private final KeyValueService honest = new KeyValueService();

        @Override
        public byte[] execute(byte[] operation, io.bastion.core.service.ServiceContext context) {
            honest.execute(operation, context);
            return utf8("lie");
        }

        @Override
        public byte[] snapshot() {
            return honest.snapshot();
        }

        @Override
        public void restore(byte[] snapshot) {
            honest.restore(snapshot);
        }
    }

    @Test
    void timesOutWhenTooFewReplicasAnswer() {
        cluster.silence(1, true);
        cluster.silence(2, true);
        cluster.silence(3, true);
        BastionClient client = client(1000, ClientOptions.defaults().withRequestTimeout(Duration.ofMillis(500))
                .withUnreachableAfter(Duration.ofSeconds(60)), r -> r);
        assertThatThrownBy(() -> client.invoke(utf8("put a 1"))).isInstanceOf(BastionException.Timeout.class)
                .hasMessageContaining("no 2 matching replies within 500 ms");
    }

    @Test
    void reportsAnUnreachableClusterQuickly() {
        for (int r = 0; r < 4; r++) {
            cluster.silence(r, true);
        }
        BastionClient client = client(1000, ClientOptions.defaults().withUnreachableAfter(Duration.ofMillis(300)),
                r -> r);
        assertThatThrownBy(() -> client.invoke(utf8("put a 1")))
                .isInstanceOf(BastionException.ClusterUnreachable.class).hasMessageContaining("connected to 0 of 4");
    }

    @Test
    void closingFailsWhatIsPending() {
        cluster.silence(1, true);
        cluster.silence(2, true);
        cluster.silence(3, true);
        BastionClient client = client(1000, ClientOptions.defaults(), r -> r);
        CompletableFuture<Result> pending = client.invokeAsync(utf8("put a 1"));
        client.close();
        assertThatThrownBy(pending::get).hasCauseInstanceOf(BastionException.Closed.class);
        assertThatThrownBy(() -> client.invoke(utf8("get a"))).isInstanceOf(BastionException.Closed.class);
    }
}
