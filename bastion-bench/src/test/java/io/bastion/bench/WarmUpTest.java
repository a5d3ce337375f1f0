package io.bastion.bench;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A warm-up reads the replicas' metrics at once and then at intervals, so the measured window's
 * reads are not the first. Time is a fake clock that each wait moves on by what it was asked.
 */
class WarmUpTest {
    private final List<String> events = new ArrayList<>();
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    /** The warm-up on the fake clock, each wait taking {@code overrun} longer than asked (a busy machine). */
    private boolean waitScraping(Duration duration, Duration every, boolean replicasLive, Duration overrun)
            throws InterruptedException {
        return LoadBenchmark.waitScraping(duration, every,
                () -> events.add("scrape at " + Duration.ofNanos(now.get() - 1_000_000_000L).toMillis()),
                waited -> {
                    events.add("wait " + waited.toMillis());
                    now.addAndGet(waited.plus(overrun).toNanos());
                    return replicasLive;
                }, now::get);
    }

    private boolean waitScraping(Duration duration, Duration every, boolean replicasLive) throws InterruptedException {
        return waitScraping(duration, every, replicasLive, Duration.ZERO);
    }

    @Test
    void readsAtOnceThenEveryIntervalUntilTheWarmUpIsOver() throws Exception {
        assertThat(waitScraping(Duration.ofMillis(250), Duration.ofMillis(100), true)).isTrue();
        assertThat(events).containsExactly("scrape at 0", "wait 100", "scrape at 100", "wait 100", "scrape at 200",
                "wait 50");
    }

    @Test
    void theWarmUpEndsByTheClockWhenWaitsRunLong() throws Exception {
        assertThat(waitScraping(Duration.ofSeconds(25), Duration.ofSeconds(10), true, Duration.ofSeconds(4))).isTrue();
        assertThat(events).as("14 s per wait: read at 0 and 14, over at 28").containsExactly("scrape at 0",
                "wait 10000", "scrape at 14000", "wait 10000");
    }

    @Test
    void aReplicaThatExitedEndsTheWarmUpWithoutAnotherRead() throws Exception {
        assertThat(waitScraping(Duration.ofSeconds(60), Duration.ofSeconds(10), false)).isFalse();
        assertThat(events).containsExactly("scrape at 0", "wait 10000");
    }

    @Test
    void noWarmUpReadsNothing() throws Exception {
        assertThat(waitScraping(Duration.ZERO, Duration.ofSeconds(10), true)).isTrue();
        assertThat(events).isEmpty();
    }
}
