package io.bastion.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code bastion wan}'s options; the network itself is exercised by {@link WanBrowserTest}. */
class WanCommandTest {
    @Test
    void roundTripsTakeMillisecondsSecondsOrBareNumbers() {
        assertThat(WanCommand.parseRoundTrip("50ms")).isEqualTo(Duration.ofMillis(50));
        assertThat(WanCommand.parseRoundTrip("0")).isEqualTo(Duration.ZERO);
        assertThat(WanCommand.parseRoundTrip("100")).isEqualTo(Duration.ofMillis(100));
        assertThat(WanCommand.parseRoundTrip("0.1s")).isEqualTo(Duration.ofMillis(100));
        assertThat(WanCommand.parseRoundTrip(" 2.5ms ")).isEqualTo(Duration.ofNanos(2_500_000));
        assertThatThrownBy(() -> WanCommand.parseRoundTrip("fast")).hasMessageContaining("--rtt fast");
        assertThatThrownBy(() -> WanCommand.parseRoundTrip("3s")).hasMessageContaining("at most 2000 ms");
    }

    @Test
    void lossIsAPercentage() {
        assertThat(WanCommand.parseLoss("1%")).isEqualTo(1.0);
        assertThat(WanCommand.parseLoss("0.5")).isEqualTo(0.5);
        assertThat(WanCommand.parseLoss("0%")).isZero();
        assertThatThrownBy(() -> WanCommand.parseLoss("lots")).hasMessageContaining("--loss lots");
        assertThatThrownBy(() -> WanCommand.parseLoss("60%")).hasMessageContaining("0..50");
    }

    @Test
    void aListOfRoundTripsSharesTheLastUnit() {
        CommandLine line = Bastion.commandLine();
        CommandLine.ParseResult parsed = line.parseArgs("wan", "--rtt", "0,20,50,100ms");
        WanCommand wan = parsed.subcommand().commandSpec().commandLine().getCommand();
        assertThat(wan.roundTrips.stream().map(WanCommand::parseRoundTrip).map(Duration::toMillis))
                .containsExactly(0L, 20L, 50L, 100L);
    }

    @Test
    void contradictoryOrBadOptionsAreRefusedBeforeAnythingIsMade() {
        StringWriter err = new StringWriter();
        CommandLine line = Bastion.commandLine();
        line.setErr(new PrintWriter(err));
        assertThat(line.execute("wan", "--partition", "1", "--failover")).isEqualTo(1);
        assertThat(err.toString()).contains("two faults");
        assertThat(line.execute("wan", "--replicas", "3")).isEqualTo(1);
        assertThat(err.toString()).contains("--replicas must be in 4..64");
        assertThat(line.execute("wan", "--workload", "sql-update")).isEqualTo(1);
        assertThat(err.toString()).contains("--workload sql-update");
    }

    @Test
    void helpSaysWhatItNeeds() {
        StringWriter out = new StringWriter();
        CommandLine line = Bastion.commandLine();
        line.setOut(new PrintWriter(out));
        assertThat(line.execute("wan", "--help")).isZero();
        assertThat(out.toString()).contains("Usage: bastion wan").contains("root").contains("--rtt")
                .doesNotContain("--network");
    }
}
