package io.bastion.server.runtime;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ExecutorQueueTest {
    @Test
    void orderedWorkIsTakenFirstInItsOrderAndUnorderedWorkAfterIt() throws Exception {
        ExecutorQueue queue = new ExecutorQueue(10, 1_000);
        queue.putOrdered("execute 1");
        assertThat(queue.offerUnordered("read a", 10)).isTrue();
        queue.putOrdered("execute 2");
        assertThat(queue.offerUnordered("read b", 10)).isTrue();
        queue.putOrdered("install 3");

        assertThat(queue.size()).isEqualTo(5);
        assertThat(queue.take(0)).isEqualTo("execute 1");
        assertThat(queue.take(0)).isEqualTo("execute 2");
        assertThat(queue.take(0)).isEqualTo("install 3");
        assertThat(queue.take(0)).isEqualTo("read a");
        assertThat(queue.take(0)).isEqualTo("read b");
        assertThat(queue.take(0)).isNull();
    }

    @Test
    void unorderedWorkBeyondItsTasksOrBytesIsRefusedAndOrderedWorkNeverIs() throws Exception {
        ExecutorQueue queue = new ExecutorQueue(3, 100);
        assertThat(queue.offerUnordered("a", 40)).isTrue();
        assertThat(queue.offerUnordered("b", 40)).isTrue();
        assertThat(queue.offerUnordered("too big", 21)).as("beyond the bytes").isFalse();
        assertThat(queue.offerUnordered("c", 20)).isTrue();
        assertThat(queue.offerUnordered("d", 0)).as("beyond the tasks").isFalse();
        for (int i = 0; i < 100; i++) {
            queue.putOrdered(i);
        }
        assertThat(queue.unorderedSize()).isEqualTo(3);
        assertThat(queue.unorderedBytes()).isEqualTo(100);

        for (int i = 0; i < 100; i++) {
            assertThat(queue.take(0)).isEqualTo(i);
        }
        assertThat(queue.take(0)).isEqualTo("a");
        assertThat(queue.unorderedBytes()).isEqualTo(60);
        assertThat(queue.offerUnordered("e", 40)).as("room again").isTrue();
    }

    @Test
    void takeWaitsForWorkWithABound() throws Exception {
        ExecutorQueue queue = new ExecutorQueue(1, 1);
        long start = System.nanoTime();
        assertThat(queue.take(50)).isNull();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(50_000_000L);
        Thread.ofVirtual().start(() -> queue.putOrdered("late"));
        assertThat(queue.take(10_000)).isEqualTo("late");
    }
}
