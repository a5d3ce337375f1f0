package io.bastion.server.observe;

import io.bastion.net.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

class TraceLogTest {
    @TempDir
    Path directory;

    private static List<TraceEvent> events(Path file) throws IOException {
        return Files.readAllLines(file).stream().map(TraceEvent::parse).toList();
    }

    @Test
    void writesOneLinePerMessageAndFlushesOnClose() throws IOException {
        Path file = directory.resolve("traces/replica-2.jsonl");
        try (TraceLog log = TraceLog.open(file, 2)) {
            assertThat(log.enabled()).isTrue();
            log.record(100, TraceEvent.IN, "c1007", TraceMessages.request(1007, 5));
            log.record(200, TraceEvent.IN, "r0", TraceMessages.prePrepare(0, 1));
            log.record(300, TraceEvent.OUT, TraceEvent.ALL, TraceMessages.prepare(2, 0, 1));
        }
        List<TraceEvent> events = events(file);
        assertThat(events).extracting(TraceEvent::type).containsExactly("REQUEST", "PRE_PREPARE", "PREPARE");
        assertThat(events).extracting(TraceEvent::replica).containsOnly(2);
        assertThat(events.get(2)).isEqualTo(TraceEvent.of(300, 2, "out", "all", TraceMessages.prepare(2, 0, 1)));
    }

    @Test
    void linesReachTheFileWithoutCloseWithinTheFlushInterval() throws IOException {
        Path file = directory.resolve("replica-0.jsonl");
        try (TraceLog log = TraceLog.open(file, 0)) {
            log.record(TraceLog.epochMicros(), TraceEvent.OUT, "all", TraceMessages.commit(0, 0, 1));
            Await.until("the line is flushed", Duration.ofSeconds(2), () -> size(file) > 0);
            assertThat(events(file)).hasSize(1);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    @Test
    void aRestartedReplicaAppendsToItsTrace() throws IOException {
        Path file = directory.resolve("replica-1.jsonl");
        try (TraceLog log = TraceLog.open(file, 1)) {
            log.record(1, TraceEvent.IN, "r0", TraceMessages.prePrepare(0, 1));
        }
        try (TraceLog log = TraceLog.open(file, 1)) {
            log.record(2, TraceEvent.IN, "r0", TraceMessages.prePrepare(0, 2));
        }
        assertThat(events(file)).extracting(TraceEvent::seq).containsExactly(1L, 2L);
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfBlocking() throws Exception {
        Path file = directory.resolve("replica-3.jsonl");
        int threads = 4;
        int perThread = 20_000;
        TraceLog log = TraceLog.open(file, 3, 8);
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> recorders = new ArrayList<>();
        var message = TraceMessages.commit(3, 0, 7);
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                awaitQuietly(start);
                for (int i = 0; i < perThread; i++) {
                    log.record(i, TraceEvent.OUT, TraceEvent.ALL, message);
                }
            });
            thread.start();
            recorders.add(thread);
        }
        start.countDown();
        for (Thread thread : recorders) {
            thread.join();
        }
        log.close();
        assertThat(log.dropped()).isPositive();
        assertThat(log.written() + log.dropped()).isEqualTo((long) threads * perThread);
        assertThat(events(file)).hasSize((int) log.written());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void recordsAfterCloseAndBadEntriesAreDroppedWithoutHarm() throws IOException {
        Path file = directory.resolve("replica-0.jsonl");
        TraceLog log = TraceLog.open(file, 0);
        log.record(1, "sideways", "r1", TraceMessages.commit(1, 0, 1));
        log.record(1, TraceEvent.IN, "r1", null);
        log.record(2, TraceEvent.IN, "r1", TraceMessages.commit(1, 0, 2));
        log.close();
        log.close();
        log.record(3, TraceEvent.IN, "r1", TraceMessages.commit(1, 0, 3));
        assertThat(events(file)).extracting(TraceEvent::seq).containsExactly(2L);
        assertThat(log.dropped()).isEqualTo(3);
    }

    @Test
    void noneRecordsNothing() {
        TraceLog.NONE.record(1, TraceEvent.IN, "r1", TraceMessages.commit(1, 0, 1));
        TraceLog.NONE.close();
        assertThat(TraceLog.NONE.enabled()).isFalse();
        assertThat(TraceLog.NONE.dropped()).isZero();
        assertThat(TraceLog.NONE.written()).isZero();
        assertThat(TraceLog.NONE.file()).isNull();
    }

    @Test
    void epochMicrosIsTheWallClockInMicroseconds() {
        long millis = System.currentTimeMillis();
        assertThat(TraceLog.epochMicros() / 1_000).isBetween(millis - 1_000, millis + 1_000);
    }
}
