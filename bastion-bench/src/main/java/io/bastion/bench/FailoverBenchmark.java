package io.bastion.bench;

import io.bastion.client.BastionClient;
import io.bastion.client.Result;
import io.bastion.core.service.NullService;
import io.bastion.server.local.LocalCluster;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How long clients wait when the primary dies: under closed-loop load, the current primary's
 * process is killed (SIGKILL) and the time until a request completes in a later view is measured
 * (batches the old primary had already proposed may still complete in the old view; after those,
 * nothing can until the view changes). The dead replica is then restarted and allowed to catch up
 * before the next round.
 */
public final class FailoverBenchmark {
    /**
     * One round: which replica was killed, the time until a request completed in a later view, and
     * the longest stretch without any completed request.
     */
    public record Round(int killedReplica, int viewBefore, int viewAfter, double failoverMillis, double longestGapMillis) {}

    private FailoverBenchmark() {}

    public static List<Round> run(LoadBenchmark bench, int clients, int rounds, Duration settle, PrintStream log)
            throws Exception {
        byte[] operation = NullService.operation(64, 64);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong lastCompletion = new AtomicLong(System.nanoTime());
        AtomicInteger view = new AtomicInteger();
        AtomicLong firstInNewView = new AtomicLong();
        AtomicInteger watchedView = new AtomicInteger(Integer.MAX_VALUE);
        AtomicLong longestGap = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (BastionClient client : bench.clients().subList(0, clients)) {
            threads.add(Thread.ofVirtual().start(() -> {
                while (!stop.get()) {
                    try {
                        Result r = client.invokeForResult(operation);
                        long now = System.nanoTime();
                        view.accumulateAndGet(r.view(), Math::max);
                        long previous = lastCompletion.getAndSet(now);
                        longestGap.accumulateAndGet(now - previous, Math::max);
                        if (r.view() > watchedView.get()) {
                            firstInNewView.compareAndSet(0, now);
                        }
                    } catch (Exception e) {
                        // a timeout during failover: try again
                    }
                }
            }));
        }
        LocalCluster cluster = bench.cluster();
        int n = cluster.config().n();
        List<Round> results = new ArrayList<>();
        try {
            Thread.sleep(settle.toMillis());
            for (int round = 0; round < rounds; round++) {
                int before = view.get();
                int primary = Math.floorMod(before, n);
                firstInNewView.set(0);
                watchedView.set(before);
                longestGap.set(0);
                long killed = System.nanoTime();
                cluster.kill(primary);
                while (firstInNewView.get() == 0) {
                    Thread.sleep(1);
                }
                double millis = (firstInNewView.get() - killed) / 1e6;
                Round r = new Round(primary, before, view.get(), millis, longestGap.get() / 1e6);
                results.add(r);
                log.printf("round %d: killed primary %d (view %d); first request completed in view %d after %.0f ms;"
                        + " longest stretch without completions %.0f ms%n", round + 1, primary, before, view.get(),
                        millis, r.longestGapMillis());
                watchedView.set(Integer.MAX_VALUE);
                cluster.start(primary);
                Thread.sleep(settle.toMillis()); // the restarted replica catches up
            }
        } finally {
            stop.set(true);
            for (Thread t : threads) {
                t.join(60_000);
            }
        }
        return results;
    }
}
