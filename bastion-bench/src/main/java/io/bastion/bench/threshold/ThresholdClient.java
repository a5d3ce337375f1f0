package io.bastion.bench.threshold;

import io.bastion.client.BastionClient;
import io.bastion.core.util.Hex;
import io.bastion.threshold.ThresholdOp;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One registered client using the cluster's threshold facility the way {@code bastion threshold}
 * does: it orders a request (KeyGen, Decrypt, Coin, Sign), then polls with unordered reads
 * (KeyQuery, ResultQuery) every {@code poll} until 2f+1 replicas answer that the key is usable or
 * the operation is done. Replies are text: {@code ok operation ID}, {@code ok key NAME suite S
 * epoch E resharing B public HEX verification HEX,…}, {@code ok operation ID KIND done HEX by
 * 0,2}, or {@code error: …}. Used by one thread at a time (a client has one request outstanding);
 * {@link #reads()} may be read from any thread.
 */
final class ThresholdClient {
    private final BastionClient client;
    private final long pollNanos;
    private final long boundNanos;
    private final AtomicLong reads = new AtomicLong();

    /** Polls every {@code poll}; gives up on a key or operation after {@code bound}. */
    ThresholdClient(BastionClient client, Duration poll, Duration bound) {
        this.client = client;
        this.pollNanos = poll.toNanos();
        this.boundNanos = bound.toNanos();
    }

    /** The reply to an ordered request, as text. */
    String order(byte[] operation) throws Exception {
        return new String(client.invoke(operation), StandardCharsets.UTF_8);
    }

    String order(ThresholdOp op) throws Exception {
        return order(op.encode());
    }

    /** The reply to an unordered read (ordered instead when the replicas disagree), as text. */
    String read(ThresholdOp op) throws Exception {
        reads.incrementAndGet();
        return new String(client.invokeReadOnly(op.encode()), StandardCharsets.UTF_8);
    }

    /** Orders a Decrypt, Coin or Sign; its operation id. Throws with the cluster's answer when refused. */
    long start(ThresholdOp op) throws Exception {
        return Long.parseLong(field(expectOk(order(op)), "operation"));
    }

    /** The result of {@code operation} once 2f+1 replicas say it is done. */
    byte[] awaitDone(long operation) throws Exception {
        String reply = poll("operation " + operation, new ThresholdOp.ResultQuery(operation), r -> r.contains(" done "));
        return Hex.parse(field(reply, "done"));
    }

    /** The reply about key {@code name} once 2f+1 replicas say it is usable. */
    String awaitKey(String name) throws Exception {
        return poll("key " + name, new ThresholdOp.KeyQuery(name), r -> r.startsWith("ok "));
    }

    private String poll(String what, ThresholdOp read, java.util.function.Predicate<String> done) throws Exception {
        long deadline = System.nanoTime() + boundNanos;
        while (true) {
            String reply = read(read);
            if (reply.contains(" faulty ")) { // the benchmark's cluster has no faulty replica: a bug
                throw new IllegalStateException(what + ": a replica was named faulty: " + reply);
            }
            if (done.test(reply)) {
                return reply;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(what + " not done within " + Duration.ofNanos(boundNanos)
                        + "; last answer: " + reply);
            }
            Thread.sleep(Duration.ofNanos(pollNanos)); // the cluster works meanwhile
        }
    }

    /** Unordered reads sent so far. */
    long reads() {
        return reads.get();
    }

    /** Unordered reads that were ordered instead, because the replicas disagreed or were slow. */
    long readOnlyFallbacks() {
        return client.readOnlyFallbacks();
    }

    static String expectOk(String reply) {
        if (!reply.startsWith("ok ")) {
            throw new IllegalStateException("the cluster answered: " + reply);
        }
        return reply;
    }

    /** The word after {@code label} in a reply. */
    static String field(String reply, String label) {
        String[] words = reply.split(" ");
        for (int i = 0; i + 1 < words.length; i++) {
            if (words[i].equals(label)) {
                return words[i + 1];
            }
        }
        throw new IllegalStateException("no " + label + " in " + reply);
    }
}
