package io.bastion.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bastion.net.testing.Ports;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bastion bench --matrix seed}, filtered to two configurations of one cluster (batching off,
 * 1 and 12 static clients), for a second each: a functional test, not a measurement. The run says
 * where it is, runs the cluster with one request per batch, writes one JSON entry per configuration
 * and the charts, and {@code --charts-from} redraws them.
 */
class MatrixBenchTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path directory;

    @AfterEach
    void killWhatTheBenchLeft() {
        // a bench that failed the test may still run: its replica JVMs go, by PID
        TestProcesses.killUnder(directory);
    }



    private record Run(int code, String out, String err) {}

    /** Runs {@code bastion} with these arguments, capturing what it prints (the bench prints on System.out). */
    private static Run bastion(String... args) {
        StringWriter err = new StringWriter();
        StringWriter out = new StringWriter();
        CommandLine line = Bastion.commandLine();
        line.setErr(new PrintWriter(err));
        line.setOut(new PrintWriter(out));
        PrintStream console = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = line.execute(args);
        } finally {
            System.setOut(console);
        }
        String stdout = printed.toString(StandardCharsets.UTF_8) + out;
        console.print(stdout);
        return new Run(code, stdout, err.toString());
    }

    @Test
    void aFilteredSeedRunSaysWhereItIsAndWritesTheJsonAndTheCharts() throws Exception {
        Path out = directory.resolve("seed.json");
        Run run = bastion("bench", "--matrix", "seed",
                "--matrix-filter", "figure=table1,authentication=signed,batching=off,clients-kind=static,request-bytes=256,clients=1|12",
                "--first-warmup", "1", "--warmup", "1", "--seconds", "1",
                "--base-port", Integer.toString(Ports.base(20)), "--dir", directory.resolve("run").toString(),
                "--out", out.toString(), TestProcesses.REPLICA_JVM_OPTION);

        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out())
                .containsPattern(Pattern.quote("configuration 1 of 2: Table 1: null, signed, batching off, static clients,"
                        + " 256/0 B, 1 client, about ") + "\\d+ s left")
                .contains("configuration 2 of 2: Table 1: null, signed, batching off, static clients, 256/0 B, 12 clients")
                .contains("CPU µs/req").contains("chart written to");
        assertThat(Files.readString(directory.resolve("run/null-signed-batching-off/cluster.toml")))
                .as("the cluster ran with one request per batch").containsPattern("(?m)^batchRequestsMax = 1\\s");

        JsonNode report = JSON.readTree(out.toFile());
        assertThat(report.get("matrix").asText()).isEqualTo("seed");
        assertThat(report.get("planned").asInt()).isEqualTo(2);
        assertThat(report.get("failed").asBoolean()).isFalse();
        JsonNode results = report.get("results");
        assertThat(results).hasSize(2);
        for (int i = 0; i < 2; i++) {
            JsonNode entry = results.get(i);
            assertThat(entry.get("parameters").get("batching").asText()).isEqualTo("off");
            assertThat(entry.get("parameters").get("clients").asInt()).isEqualTo(List.of(1, 12).get(i));
            assertThat(entry.get("batchRequestsMax").asInt()).isEqualTo(1);
            JsonNode result = entry.get("result");
            assertThat(result.get("requestsPerSecond").asDouble()).isPositive();
            assertThat(result.get("p50Millis").asDouble()).isPositive();
            assertThat(result.get("cpuMicrosPerRequest").asDouble())
                    .isGreaterThan(result.get("replicaCpuMicrosPerRequest").asDouble());
            assertThat(result.get("replicaCpuMicrosPerRequest").asDouble()).isPositive();
        }
        Path clientsChart = directory.resolve("seed-table1-clients.png");
        Path sizesChart = directory.resolve("seed-table1-sizes.png");
        assertThat(clientsChart).exists();
        assertThat(sizesChart).exists();
        assertThat(directory.resolve("seed-figure5.png")).as("no Figure 5 configuration ran").doesNotExist();

        Files.delete(clientsChart);
        Files.delete(sizesChart);
        Run redraw = bastion("bench", "--charts-from", out.toString());
        assertThat(redraw.code()).as(redraw.err()).isZero();
        assertThat(redraw.out()).contains("chart written to " + clientsChart);
        assertThat(clientsChart).exists();
        assertThat(sizesChart).exists();
    }
}
