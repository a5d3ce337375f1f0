package io.bastion.server.runtime;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class VerifierPoolTest {
    /** A backlog of clients' work does not hold up a replica's message queued after it. */
    @Test
    void replicasWorkOvertakesAClientBacklogAndEachClassKeepsItsOrder() throws Exception {
        VerifierPool pool = new VerifierPool(1, Thread::new);
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> ran = new CopyOnWriteArrayList<>();
        pool.execute(VerifierPool.Priority.CLIENT, () -> {
            busy.countDown();
            await(release);
        });
        assertThat(busy.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 5; i++) {
            String name = "client " + i;
            pool.execute(VerifierPool.Priority.CLIENT, () -> ran.add(name));
        }
        pool.execute(VerifierPool.Priority.REPLICA, () -> ran.add("replica 0"));
        pool.execute(VerifierPool.Priority.REPLICA, () -> ran.add("replica 1"));
        CountDownLatch done = new CountDownLatch(1);
        pool.execute(VerifierPool.Priority.CLIENT, done::countDown);
        release.countDown();
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        pool.shutdownNow();
        assertThat(ran).containsExactly("replica 0", "replica 1", "client 0", "client 1", "client 2", "client 3",
                "client 4");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
