package io.bastion.bench.wan;

import io.bastion.bench.BenchConfig;
import io.bastion.bench.BenchResult;
import io.bastion.core.config.ProtocolSettings;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WanBenchmarkTest {
    private static WanBenchmark.Measurement measured(long rtt, int clients, double perSecond, double p50) {
        return new WanBenchmark.Measurement(rtt, new BenchResult("null", new BenchConfig(clients, 1024, 1024), 20,
                (long) (perSecond * 20), perSecond, p50, 2 * p50, 3 * p50, 4 * p50, p50, 0, 0, 0, 0, null));
    }

    private static WanBenchmark.Report report(List<Long> rtts, List<WanBenchmark.Measurement> results) {
        return new WanBenchmark.Report("linux", 2, "25", WanBenchmark.METHOD, rtts, 0, null, 4, "null", 1024, 1024,
                20, 5, 20, ProtocolSettings.DEFAULTS, results, List.of(), false, null);
    }

    @Test
    void theSummaryChecksLightLoadLatencyAndHeavyLoadThroughputAgainstTheGoals() {
        List<String> lines = WanBenchmark.summary(report(List.of(0L, 50L), List.of(
                measured(0, 1, 400, 2.5), measured(0, 50, 3000, 17),
                measured(50, 1, 7.5, 130), measured(50, 50, 1200, 120))));
        assertThat(lines).anyMatch(l -> l.contains("RTT 50 ms, 1 client(s): p50 130.0 ms")
                && l.contains("<= 2.5 x RTT + 10 = 135.0 ms: met"));
        assertThat(lines).anyMatch(l -> l.contains("RTT 50 ms, 50 clients: 1200 req/s = 40 % of the 3000 req/s at 0 ms")
                && l.endsWith("NOT met"));
        assertThat(lines).noneMatch(l -> l.startsWith("RTT 0 ms"));
    }

    @Test
    void withoutA0MsRunThereIsNoThroughputComparison() {
        List<String> lines = WanBenchmark.summary(report(List.of(100L), List.of(measured(100, 1, 3.5, 280))));
        assertThat(lines).anyMatch(l -> l.contains("p50 280.0 ms, goal <= 2.5 x RTT + 10 = 260.0 ms: NOT met"));
        assertThat(lines).noneMatch(l -> l.contains("of the"));
    }
}
