package io.bastion.net.testing;

import io.bastion.core.message.Envelope;
import io.bastion.net.connector.ReplicaMessageHandler;
import io.bastion.net.replica.PeerMessageHandler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.fail;

/** Collects delivered messages with their sender, for tests to take with a deadline. Thread-safe. */
public final class Inbox implements PeerMessageHandler, ReplicaMessageHandler {
    /** One delivery: who sent it (as the transport reports) and what. */
    public record Received(int from, Envelope<?> message) {}

    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();

    @Override
    public void onMessage(int from, Envelope<?> message) {
        received.add(new Received(from, message));
    }

    public Received take() {
        return take(Await.DEFAULT_TIMEOUT);
    }

    public Received take(Duration timeout) {
        try {
            Received next = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (next == null) {
                fail("no message within " + timeout.toMillis() + " ms");
            }
            return next;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    public List<Received> take(int count) {
        List<Received> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            all.add(take());
        }
        return all;
    }

    /** Takes messages until one matches {@code wanted}; fails at the deadline. */
    public Received takeUntil(java.util.function.Predicate<Received> wanted) {
        long deadline = System.nanoTime() + Await.DEFAULT_TIMEOUT.toNanos();
        while (true) {
            long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            Received next = take(Duration.ofMillis(left));
            if (wanted.test(next)) {
                return next;
            }
        }
    }

    public List<Received> drain() {
        List<Received> all = new ArrayList<>();
        received.drainTo(all);
        return all;
    }

    public boolean isEmpty() {
        return received.isEmpty();
    }
}
