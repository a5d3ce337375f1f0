package io.bastion.server.runtime;

import io.bastion.core.TestKeys;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.core.service.CounterService;
import io.bastion.core.service.Service;
import io.bastion.core.service.ServiceContext;
import io.bastion.net.testing.Await;
import io.bastion.server.testing.InMemoryCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The executor of replica 0 is held inside a read while clients pile up more reads and an ordered
 * write commits: the reads beyond the unordered lane's bound are dropped and counted, and the
 * write runs before every waiting read, so executions never wait behind reads, and reads queued
 * after it see its effect.
 */
class ExecutorBacklogTest {
    private static final Duration BOUND = Duration.ofSeconds(20);
    private static final long READER = 1000;
    private static final long WRITER = 1001;

    private final GatedCounter[] services = {new GatedCounter(), new GatedCounter(), new GatedCounter(),
            new GatedCounter()};
    private final InMemoryCluster cluster = new InMemoryCluster(TestKeys.cluster(1, 2), id -> services[id],
            id -> TestKeys.VERIFIER, ReplicaRuntime.Settings.defaults());
    private final ReplicaRuntime replica = cluster.replica(0);
    private final GatedCounter service = services[0];

    @AfterEach
    void stop() {
        service.open();
        cluster.close();
    }

    /** A counter that records its calls and can hold the first read until opened. */
    static final class GatedCounter implements Service {
        final CounterService counter = new CounterService();
        final List<String> calls = new CopyOnWriteArrayList<>();
        final AtomicBoolean armed = new AtomicBoolean();
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch gate = new CountDownLatch(1);

        @Override
        public byte[] execute(byte[] operation, ServiceContext context) {
            calls.add("execute");
            return counter.execute(operation, context);
        }

        @Override
        public byte[] query(byte[] operation, ServiceContext context) {
            calls.add("read");
            if (armed.compareAndSet(true, false)) {
                entered.countDown();
                try {
                    gate.await(BOUND.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return counter.query(operation, context);
        }

        void open() {
            gate.countDown();
        }

        @Override
        public byte[] snapshot() {
            return counter.snapshot();
        }

        @Override
        public void restore(byte[] snapshot) {
            counter.restore(snapshot);
        }
    }

    private static Envelope<Request> read(long number) {
        return Envelope.sign(new Request(READER, number, true, CounterService.add(0)), TestKeys.signer(READER));
    }

    /** Holds replica 0's executor inside a read (request number 1). */
    private void holdTheExecutor() throws InterruptedException {
        service.armed.set(true);
        replica.onClientMessage(read(1), id -> { });
        assertThat(service.entered.await(BOUND.toMillis(), TimeUnit.MILLISECONDS)).as("the executor is held").isTrue();
    }

    /** A write of {@code amount} to every replica; returns once replica 0's executor has it queued. */
    private void writeAndAwaitItQueued(long amount) {
        cluster.broadcastFromClient(Envelope.sign(new Request(WRITER, 1, false, CounterService.add(amount)),
                TestKeys.signer(WRITER)));
        Await.until("the write's execution waits at replica 0", BOUND,
                () -> replica.executorQueueDepth() - replica.executorUnorderedDepth() == 1);
    }

    @Test
    void readsBeyondTheBoundAreDroppedAndCountedAndTheExecutionGoesFirst() throws Exception {
        holdTheExecutor();
        int extra = 10;
        for (long number = 2; number < 2 + ReplicaRuntime.EXECUTOR_UNORDERED_TASKS_MAX + extra; number++) {
            replica.onClientMessage(read(number), id -> { });
        }
        Await.until("the reads beyond the bound are counted as dropped", BOUND,
                () -> replica.stats().executorDropped() == extra);
        assertThat(replica.executorUnorderedDepth()).isEqualTo(ReplicaRuntime.EXECUTOR_UNORDERED_TASKS_MAX);
        writeAndAwaitItQueued(5);
        Await.until("the other replicas executed the write", BOUND,
                () -> cluster.replica(1).stats().requestsExecuted() == 1);

        service.open();
        Await.until("replica 0 executed the write", BOUND, () -> replica.stats().requestsExecuted() == 1);
        assertThat(List.copyOf(service.calls).subList(0, 2)).as("the held read, then the execution").containsExactly("read",
                "execute");
        Await.until("every waiting read is answered", BOUND, () -> replica.executorQueueDepth() == 0);
        assertThat(service.calls).hasSize(2 + ReplicaRuntime.EXECUTOR_UNORDERED_TASKS_MAX);
        assertThat(replica.stats().executorDropped()).isEqualTo(extra);
        assertThat(replica.failure()).isNull();
    }

    @Test
    void readsQueuedAfterAnExecutionSeeItsEffect() throws Exception {
        Map<Long, Long> values = new ConcurrentHashMap<>();
        cluster.registerClient(READER, reply -> values.put(reply.requestNumber(),
                CounterService.decode(reply.resultUnsafe())));
        holdTheExecutor();
        writeAndAwaitItQueued(5);
        for (long number = 2; number <= 4; number++) {
            replica.onClientMessage(read(number), id -> { });
        }
        Await.until("the later reads wait", BOUND, () -> replica.executorUnorderedDepth() == 3);

        service.open();
        Await.until("every read is answered", BOUND, () -> values.size() == 4);
        assertThat(values).containsEntry(1L, 0L).containsEntry(2L, 5L).containsEntry(3L, 5L).containsEntry(4L, 5L);
        assertThat(service.calls).containsExactly("read", "execute", "read", "read", "read");
        assertThat(replica.stats().executorDropped()).isZero();
    }
}
