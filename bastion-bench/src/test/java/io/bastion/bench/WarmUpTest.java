package io.bastion.bench;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A warm-up reads the replicas' metrics at once and then at intervals, so the measured window's reads are not the first. */
class WarmUpTest {
    private final List<String> events = new ArrayList<>();

    private LoadBenchmark.Wait sleeping() {
        return duration -> {
            events.add("wait");
            Thread.sleep(duration.toMillis(), (int) (duration.toNanos() % 1_000_000));
            return true;
        };
    }

    @Test
    void readsAtOnceThenEveryIntervalUntilTheWarmUpIsOver() throws Exception {
        List<Duration> waits = new ArrayList<>();
        LoadBenchmark.Wait wait = sleeping();
        boolean live = LoadBenchmark.waitScraping(Duration.ofMillis(250), Duration.ofMillis(100),
                () -> events.add("scrape"), duration -> {
                    waits.add(duration);
                    return wait.whileLive(duration);
                });

        assertThat(live).isTrue();
        assertThat(events).as("a read before the first wait, one after each wait but the last")
                .startsWith("scrape", "wait", "scrape", "wait").endsWith("wait");
        assertThat(events.stream().filter("scrape"::equals).count()).isBetween(2L, 3L);
        assertThat(waits).allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(Duration.ofMillis(100)));
        assertThat(waits.stream().mapToLong(Duration::toNanos).sum())
                .as("the waits together are the warm-up").isGreaterThanOrEqualTo(Duration.ofMillis(250).toNanos() - waits.size() * 5_000_000L);
    }

    @Test
    void aReplicaThatExitedEndsTheWarmUpWithoutAnotherRead() throws Exception {
        boolean live = LoadBenchmark.waitScraping(Duration.ofSeconds(60), Duration.ofSeconds(10),
                () -> events.add("scrape"), duration -> {
                    events.add("wait");
                    return false;
                });

        assertThat(live).isFalse();
        assertThat(events).containsExactly("scrape", "wait");
    }

    @Test
    void noWarmUpReadsNothing() throws Exception {
        assertThat(LoadBenchmark.waitScraping(Duration.ZERO, Duration.ofSeconds(10), () -> events.add("scrape"),
                sleeping())).isTrue();
        assertThat(events).isEmpty();
    }
}
