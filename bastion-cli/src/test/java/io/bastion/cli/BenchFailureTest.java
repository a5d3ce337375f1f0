package io.bastion.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bastion.net.testing.Await;
import io.bastion.net.testing.Ports;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bastion bench} against a cluster that fails: it must say so and exit non-zero, not print
 * throughput figures of a broken cluster. Short runs: a few seconds of load, small warm-ups.
 */
class BenchFailureTest {
    private static final Duration BOUND = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path directory;

    private record Run(int code, String err) {}

    @AfterEach
    void killWhatTheBenchLeft() {
        // a bench that failed the test may still run: its replica JVMs go, by PID
        ProcessHandle.current().descendants().filter(this::ofThisTest).forEach(ProcessHandle::destroyForcibly);
    }

    private boolean ofThisTest(ProcessHandle process) {
        return TestProcesses.startedUnder(process, directory);
    }


    private Run bench(String... options) {
        StringWriter err = new StringWriter();
        CommandLine line = Bastion.commandLine();
        line.setErr(new PrintWriter(err));
        List<String> args = new java.util.ArrayList<>(List.of("bench", "--clients", "2", "--sizes", "0/0",
                "--first-warmup", "2", "--warmup", "1", "--seconds", "4",
                "--base-port", Integer.toString(Ports.base(12)), "--dir", directory.resolve("run").toString(),
                "--out", directory.resolve("out.json").toString(), TestProcesses.REPLICA_JVM_OPTION));
        args.addAll(List.of(options));
        int code = line.execute(args.toArray(String[]::new));
        return new Run(code, err.toString());
    }

    private JsonNode report() throws Exception {
        return JSON.readTree(directory.resolve("out.json").toFile());
    }

    /** The replica JVM the bench started as {@code --id id}. */
    private Optional<ProcessHandle> replica(int id) {
        return ProcessHandle.current().descendants().filter(this::ofThisTest).filter(p -> TestProcesses.arguments(p)
                .map(args -> Arrays.asList(args).indexOf("--id") >= 0
                        && Arrays.asList(args).get(Arrays.asList(args).indexOf("--id") + 1).equals(Integer.toString(id)))
                .orElse(false)).findFirst();
    }

    @Test
    void aReplicaKilledDuringTheRunFailsTheBenchNamingItWithTheEndOfItsLog() throws Exception {
        PrintStream console = System.out;
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        System.setOut(new PrintStream(new TeeOutputStream(console, progress), true, StandardCharsets.UTF_8));
        try {
            CompletableFuture<Run> run = CompletableFuture.supplyAsync(this::bench);
            Await.until("the bench is warming up", BOUND,
                    () -> progress.toString(StandardCharsets.UTF_8).contains("warming up"));
            assertThat(replica(1)).as("replica 1's process").isPresent();
            assertThat(replica(1).orElseThrow().destroyForcibly()).as("SIGKILL by PID").isTrue();

            Run result = run.get(BOUND.toSeconds(), TimeUnit.SECONDS);
            assertThat(result.code()).isEqualTo(1);
            assertThat(result.err()).contains("FAILED").contains("workload null, 2 clients, 0/0 B")
                    .contains("replica 1 exited with code").contains("replica-1.log");
        } finally {
            System.setOut(console);
        }
        JsonNode report = report();
        assertThat(report.get("failed").asBoolean()).isTrue();
        assertThat(report.get("failure").asText()).contains("replica 1 exited");
        assertThat(report.get("results")).hasSize(1);
        assertThat(report.get("results").get(0).get("failure").asText()).contains("replica 1 exited");
    }

    /** Writes to two streams. */
    private static final class TeeOutputStream extends OutputStream {
        private final OutputStream first;
        private final OutputStream second;

        TeeOutputStream(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
            first.write(bytes, offset, length);
            second.write(bytes, offset, length);
        }

        @Override
        public synchronized void flush() throws IOException {
            first.flush();
            second.flush();
        }
    }

    @Test
    void aReplicaThatCannotStartFailsTheBenchWithWhatItSaid() throws Exception {
        Run result = bench("--replica-arg=--metrics-port=99999");

        assertThat(result.code()).isEqualTo(1);
        assertThat(result.err()).contains("FAILED").contains("workload null").contains("exited with code")
                .as("the end of its log").contains("--metrics-port must be in 0..65535");
        JsonNode report = report();
        assertThat(report.get("failed").asBoolean()).isTrue();
        assertThat(report.get("results")).isEmpty();
        Await.until("no replica JVM is left", Duration.ofSeconds(10),
                () -> ProcessHandle.current().descendants().noneMatch(this::ofThisTest));
    }
}
