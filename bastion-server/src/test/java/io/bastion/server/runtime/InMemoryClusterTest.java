package io.bastion.server.runtime;

import io.bastion.core.TestKeys;
import io.bastion.core.auth.ReplyAuthenticator;
import io.bastion.core.client.ClientCore;
import io.bastion.core.client.Outcome;
import io.bastion.core.config.ClusterConfig;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.message.Signed;
import io.bastion.core.service.CounterService;
import io.bastion.server.storage.ProtocolLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** Four real replica runtimes (threads, queues, verifier pools) wired by an in-memory transport. */
class InMemoryClusterTest {
    private final ClusterConfig config = TestKeys.cluster(1, 4);
    private final List<ReplicaRuntime> runtimes = new ArrayList<>();
    private final Map<Long, LinkedBlockingQueue<Reply>> inboxes = new ConcurrentHashMap<>();
    private final AtomicBoolean[] down = new AtomicBoolean[config.n()];

    @AfterEach
    void stop() {
        runtimes.forEach(ReplicaRuntime::close);
    }

    private void startCluster() {
        for (int i = 0; i < config.n(); i++) {
            down[i] = new AtomicBoolean();
            runtimes.add(new ReplicaRuntime(i, config, TestKeys.signer(i), TestKeys.VERIFIER, new CounterService(),
                    config.clientKeys()::get, ProtocolLog.NONE, ReplicaRuntime.Settings.defaults()));
        }
        for (int i = 0; i < config.n(); i++) {
            int self = i;
            runtimes.get(i).start(new ReplicaTransport() {
                @Override
                public void send(int replicaId, Signed<?> message) {
                    if (!down[self].get() && !down[replicaId].get()) {
                        runtimes.get(replicaId).onReplicaMessage(self, message);
                    }
                }

                @Override
                public void broadcast(Signed<?> message) {
                    for (int r = 0; r < config.n(); r++) {
                        if (r != self) {
                            send(r, message);
                        }
                    }
                }

                @Override
                public void sendToClient(long clientId, Signed<?> message) {
                    if (!down[self].get()) {
                        inboxes.computeIfAbsent(clientId, c -> new LinkedBlockingQueue<>()).add((Reply) message.message());
                    }
                }
            });
        }
    }

    /** Runs {@code count} counter increments as client {@code clientId}; returns the last value. */
    private long runClient(long clientId, int count) throws InterruptedException {
        ClientCore client = new ClientCore(clientId, config.quorums(), TestKeys.signer(clientId),
                new ReplyAuthenticator(config, TestKeys.VERIFIER), System.currentTimeMillis() * 1000, 200, 1_000);
        LinkedBlockingQueue<Reply> inbox = inboxes.computeIfAbsent(clientId, c -> new LinkedBlockingQueue<>());
        long last = 0;
        for (int i = 0; i < count; i++) {
            broadcast(client.start(CounterService.add(1), System.currentTimeMillis()));
            long deadline = System.currentTimeMillis() + 10_000;
            Outcome outcome = null;
            while (outcome == null) {
                assertThat(System.currentTimeMillis()).as("request %d of client %d", i, clientId).isLessThan(deadline);
                Reply reply = inbox.poll(20, TimeUnit.MILLISECONDS);
                outcome = reply == null ? null : client.onReply(reply);
                Signed<Request> again = client.onTick(System.currentTimeMillis());
                if (again != null) {
                    broadcast(again);
                }
            }
            assertThat(outcome).isInstanceOf(Outcome.Done.class);
            last = CounterService.decode(((Outcome.Done) outcome).result());
        }
        return last;
    }

    private void broadcast(Signed<Request> request) {
        for (int r = 0; r < config.n(); r++) {
            if (!down[r].get()) {
                runtimes.get(r).onClientMessage(request, id -> { });
            }
        }
    }

    @Test
    void concurrentClientsAllComplete() throws Exception {
        startCluster();
        List<Thread> threads = new ArrayList<>();
        List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int c = 0; c < 4; c++) {
            long clientId = 1000 + c;
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    runClient(clientId, 50);
                } catch (Throwable t) {
                    errors.add(t);
                }
            }));
        }
        for (Thread t : threads) {
            t.join(60_000);
        }
        assertThat(errors).isEmpty();
        assertThat(runtimes).allSatisfy(r -> assertThat(r.failure()).isNull());
        waitFor(() -> runtimes.stream().allMatch(r -> r.stats().requestsExecuted() == 200));
    }

    @Test
    void aBackupThatGoesSilentMidLoadDoesNotStopClients() throws Exception {
        startCluster();
        assertThat(runClient(1000, 20)).isEqualTo(20);
        down[2].set(true);
        assertThat(runClient(1000, 20)).isEqualTo(40);
        assertThat(runtimes.get(2).stats().requestsExecuted()).isLessThan(40);
    }

    @Test
    void requestsFromUnknownClientsAndForgedSignaturesAreRefusedAtTheEdge() throws Exception {
        startCluster();
        Signed<Request> unknown = Signed.sign(new Request(77, 1, false, CounterService.add(1)), TestKeys.signer(77));
        Signed<Request> forged = Signed.sign(new Request(1000, 1, false, CounterService.add(1)), TestKeys.signer(1001));
        runtimes.get(0).onClientMessage(unknown, id -> { });
        runtimes.get(0).onClientMessage(forged, id -> { });
        waitFor(() -> runtimes.get(0).stats().rejectedByVerdict()
                .get(io.bastion.core.auth.MessageAuthenticator.Verdict.BAD_SIGNATURE) == 1);
        assertThat(runtimes.get(0).stats().rejectedByVerdict()
                .get(io.bastion.core.auth.MessageAuthenticator.Verdict.UNKNOWN_CLIENT)).isEqualTo(1);
        assertThat(runClient(1000, 1)).isEqualTo(1);
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!condition.getAsBoolean()) {
            assertThat(System.currentTimeMillis()).as("condition within 10 s").isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
