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
 * process is killed (SIGKILL) and the time to the next completed request is measured; the dead
 * replica is then restarted and allowed to catch up before the next round.
 */
public final class FailoverBenchmark {
    /** One round: which replica was killed and how long no request completed afterwards. */
    public record Round(int killedReplica, int viewBefore, int viewAfter, double failoverMillis) {}

    private FailoverBenchmark() {}

    public static List<Round> run(LoadBenchmark bench, int clients, int rounds, Duration settle, PrintStream log)
            throws Exception {
        byte[] operation = NullService.operation(64, 64);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong lastCompletion = new AtomicLong(System.nanoTime());
        AtomicInteger view = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (BastionClient client : bench.clients().subList(0, clients)) {
            threads.add(Thread.ofVirtual().start(() -> {
                while (!stop.get()) {
                    try {
                        Result r = client.invokeForResult(operation);
                        view.accumulateAndGet(r.view(), Math::max);
                        lastCompletion.set(System.nanoTime());
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
                long killed = System.nanoTime();
                cluster.kill(primary);
                while (lastCompletion.get() <= killed) {
                    Thread.sleep(1);
                }
                double millis = (lastCompletion.get() - killed) / 1e6;
                Round r = new Round(primary, before, view.get(), millis);
                results.add(r);
                log.printf("round %d: killed primary %d (view %d); next request completed after %.0f ms in view %d%n",
                        round + 1, primary, before, millis, view.get());
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
