package io.bastion.server.runtime;

import io.bastion.core.TestKeys;
import io.bastion.core.auth.MessageAuthenticator.Verdict;
import io.bastion.core.auth.ReplyAuthenticator;
import io.bastion.core.client.ClientCore;
import io.bastion.core.client.Outcome;
import io.bastion.core.crypto.Digest;
import io.bastion.core.message.Prepare;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.core.service.CounterService;
import io.bastion.net.testing.Await;
import io.bastion.server.testing.InMemoryCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Four real replica runtimes (threads, queues, verifier pools) wired by an in-memory transport. */
class InMemoryClusterTest {
    private final InMemoryCluster cluster = new InMemoryCluster(TestKeys.cluster(1, 4), CounterService::new);

    @AfterEach
    void stop() {
        cluster.close();
    }

    /** Runs {@code count} counter increments as client {@code clientId} on the bare client core. */
    private long runClient(long clientId, int count) throws InterruptedException {
        ClientCore client = new ClientCore(clientId, cluster.config().quorums(), TestKeys.signer(clientId),
                new ReplyAuthenticator(cluster.config(), TestKeys.VERIFIER), System.currentTimeMillis() * 1000, 200,
                1_000);
        LinkedBlockingQueue<Reply> inbox = new LinkedBlockingQueue<>();
        cluster.registerClient(clientId, inbox::add);
        long last = 0;
        for (int i = 0; i < count; i++) {
            cluster.broadcastFromClient(client.start(CounterService.add(1), System.currentTimeMillis()));
            long deadline = System.currentTimeMillis() + 10_000;
            Outcome outcome = null;
            while (outcome == null) {
                assertThat(System.currentTimeMillis()).as("request %d of client %d", i, clientId).isLessThan(deadline);
                Reply reply = inbox.poll(20, TimeUnit.MILLISECONDS);
                outcome = reply == null ? null : client.onReply(reply);
                Envelope<Request> again = client.onTick(System.currentTimeMillis());
                if (again != null) {
                    cluster.broadcastFromClient(again);
                }
            }
            assertThat(outcome).isInstanceOf(Outcome.Done.class);
            last = CounterService.decode(((Outcome.Done) outcome).result());
        }
        return last;
    }

    @Test
    void concurrentClientsAllComplete() throws Exception {
        List<Thread> threads = new ArrayList<>();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
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
        assertThat(cluster.replicas()).allSatisfy(r -> assertThat(r.failure()).isNull());
        Await.until("every replica executed 200 requests", Duration.ofSeconds(10),
                () -> cluster.replicas().stream().allMatch(r -> r.stats().requestsExecuted() == 200));
    }

    /**
     * Of the three PREPAREs a replica receives per batch it needs two (the primary) or one (a backup,
     * with its own): those that arrive after the batch prepared are dropped unchecked, and every
     * batch still executes everywhere.
     */
    @Test
    void preparesArrivingAfterTheirBatchPreparedAreNotChecked() throws Exception {
        long total = 0;
        for (int round = 0; round < 20 && spared() == 0; round++) {
            total = runClient(1000, 10);
        }
        assertThat(spared()).as("PREPAREs spared their check over %d batches", total).isPositive();
        long executed = total;
        Await.until("every replica executed " + executed + " requests", Duration.ofSeconds(10),
                () -> cluster.replicas().stream().allMatch(r -> r.stats().requestsExecuted() == executed));
        assertThat(cluster.replicas()).allSatisfy(r -> {
            assertThat(r.failure()).isNull();
            assertThat(r.stats().rejectedByVerdict().values()).as("nothing refused").allMatch(n -> n == 0);
        });
    }

    /**
     * A faulty peer's PREPARE with a forged signature, for a batch that has not prepared here, is
     * still checked and refused: only PREPAREs for batches already prepared skip the check.
     */
    @Test
    void aForgedPrepareForABatchNotYetPreparedIsStillRefused() throws Exception {
        assertThat(runClient(1000, 5)).isEqualTo(5);
        ReplicaRuntime replica = cluster.replica(1);
        long ahead = replica.stats().lastDelivered() + 3;
        Envelope<Prepare> forged = Envelope.sign(new Prepare(2, 0, ahead, Digest.sha256(new byte[] {7})),
                TestKeys.signer(3)); // names replica 2, signed with replica 3's key
        replica.onReplicaMessage(2, forged);
        // refused means checked: a spared PREPARE is handed on unchecked and never refused. (The
        // spared counter itself may still move: the last batches' late PREPAREs are spared meanwhile.)
        Await.until("the forged PREPARE refused", Duration.ofSeconds(10),
                () -> replica.stats().rejectedByVerdict().get(Verdict.BAD_SIGNATURE) == 1);
        assertThat(runClient(1000, 5)).as("the cluster carries on").isEqualTo(10);
    }

    private long spared() {
        return cluster.replicas().stream().mapToLong(r -> r.stats().preparesSpared()).sum();
    }

    @Test
    void aBackupThatGoesSilentMidLoadDoesNotStopClients() throws Exception {
        assertThat(runClient(1000, 20)).isEqualTo(20);
        cluster.silence(2, true);
        assertThat(runClient(1000, 20)).isEqualTo(40);
        assertThat(cluster.replica(2).stats().requestsExecuted()).isLessThan(40);
    }

    @Test
    void requestsFromUnknownClientsAndForgedSignaturesAreRefusedAtTheEdge() throws Exception {
        Envelope<Request> unknown = Envelope.sign(new Request(77, 1, false, CounterService.add(1)), TestKeys.signer(77));
        Envelope<Request> forged = Envelope.sign(new Request(1000, 1, false, CounterService.add(1)), TestKeys.signer(1001));
        ReplicaRuntime replica = cluster.replica(0);
        replica.onClientMessage(unknown, id -> { });
        replica.onClientMessage(forged, id -> { });
        Await.until("forged request counted", Duration.ofSeconds(10),
                () -> replica.stats().rejectedByVerdict().get(Verdict.BAD_SIGNATURE) == 1);
        assertThat(replica.stats().rejectedByVerdict().get(Verdict.UNKNOWN_CLIENT)).isEqualTo(1);
        assertThat(runClient(1000, 1)).isEqualTo(1);
    }

    @Test
    void everyEventOfABurstLargerThanACoreGroupIsApplied() {
        ReplicaRuntime replica = cluster.replica(1);
        int burst = 10 * ReplicaRuntime.Settings.defaults().stepsPerGroupMax() + 7;
        for (int number = 1; number <= burst; number++) {
            replica.onClientMessage(Envelope.sign(new Request(1000, number, true, CounterService.add(0)),
                    TestKeys.signer(1000)), id -> { });
        }
        Await.until("the core received the whole burst", Duration.ofSeconds(20), () -> replica.stats().coreCounters()
                .getOrDefault(io.bastion.core.replica.ReplicaStats.Counter.REQUESTS_RECEIVED, 0L) == burst);
        Await.until("nothing stays counted in flight", Duration.ofSeconds(10),
                () -> replica.inboundMessagesInFlight() == 0 && replica.inboundBytes() == 0);
    }
}
