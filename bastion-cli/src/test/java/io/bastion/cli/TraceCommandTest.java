package io.bastion.cli;

import io.bastion.core.crypto.Digest;
import io.bastion.core.crypto.Signer;
import io.bastion.core.message.Commit;
import io.bastion.core.message.Prepare;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.server.observe.TraceEvent;
import io.bastion.server.observe.TraceLog;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TraceCommandTest {
    private static final long START = 1_767_225_600_000_000L;
    private static final Digest BATCH = Digest.sha256(new byte[] {7});
    /** Traces never check signatures; any fixed bytes do. */
    private static final Signer SIGNER = message -> Digest.sha256(message).toBytes();

    @TempDir
    Path directory;

    private record Run(int code, List<String> out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine line = Bastion.commandLine();
        line.setOut(new PrintWriter(out));
        line.setErr(new PrintWriter(err));
        int code = line.execute(args);
        List<String> lines = out.toString().isEmpty() ? List.of() : Arrays.asList(out.toString().split("\n"));
        return new Run(code, lines, err.toString());
    }

    private static Envelope<Prepare> prepare(int replica, long seq) {
        return Envelope.sign(new Prepare(replica, 0, seq, BATCH), SIGNER);
    }

    private static Envelope<Commit> commit(int replica, long seq) {
        return Envelope.unsigned(new Commit(replica, 0, seq, BATCH));
    }

    /** Replicas 0 and 1 trace seqs 1 and 2 through real trace logs; their events interleave in time. */
    @BeforeEach
    void traces() {
        try (TraceLog r0 = TraceLog.open(directory.resolve("replica-0.jsonl"), 0);
             TraceLog r1 = TraceLog.open(directory.resolve("replica-1.jsonl"), 1)) {
            r0.record(START, "in", "c1007", Envelope.sign(new Request(1007, 1, false, new byte[] {1}), SIGNER));
            r1.record(START + 1_000, "out", "all", prepare(1, 1));
            r0.record(START + 1_500, "in", "r1", prepare(1, 1));
            r0.record(START + 2_000, "out", "all", commit(0, 1));
            r1.record(START + 2_200, "in", "r0", commit(0, 1));
            r1.record(START + 9_000, "out", "all", prepare(1, 2));
        }
    }

    @Test
    void mergesADirectoryIntoOneAlignedTimeline() {
        Run trace = run("trace", directory.toString());
        assertThat(trace.code()).isZero();
        assertThat(trace.err()).isEmpty();
        assertThat(trace.out()).hasSize(7);
        assertThat(trace.out().get(0)).startsWith("time ms").contains("replica", "dir", "peer", "type", "view", "seq", "digest");
        assertThat(trace.out()).extracting(l -> l.trim().split("\\s+")[0])
                .containsExactly("time", "0.000", "1.000", "1.500", "2.000", "2.200", "9.000");
        assertThat(trace.out().get(1)).contains("r0", "in", "c1007", "REQUEST", "c1007 #1");
        assertThat(trace.out().get(2)).contains("r1", "out", "all", "PREPARE", BATCH.hex().substring(0, 8));
        int typeColumn = trace.out().get(0).indexOf("type");
        assertThat(trace.out()).allMatch(l -> l.length() > typeColumn && l.charAt(typeColumn - 1) == ' ');
    }

    @Test
    void filtersCombine() {
        assertThat(run("trace", directory.toString(), "--type", "commit").out()).hasSize(3);
        assertThat(run("trace", directory.toString(), "--type", "PREPARE,commit", "--seq", "1..1").out()).hasSize(5);
        assertThat(run("trace", directory.toString(), "--seq", "2..").out()).hasSize(2);
        assertThat(run("trace", directory.toString(), "--replica", "1", "--view", "0").out()).hasSize(4);
        assertThat(run("trace", directory.toString(), "--view", "3").out()).hasSize(1);
    }

    @Test
    void jsonOutputIsTheMergedLines() {
        Run json = run("trace", "--json", directory.resolve("replica-1.jsonl").toString(),
                directory.resolve("replica-0.jsonl").toString());
        assertThat(json.code()).isZero();
        List<TraceEvent> events = json.out().stream().map(TraceEvent::parse).toList();
        assertThat(events).extracting(TraceEvent::timeMicros).isSorted().hasSize(6);
        assertThat(events).extracting(TraceEvent::replica).containsExactly(0, 1, 0, 0, 1, 1);
    }

    @Test
    void malformedLinesAreReportedWithFileAndLineAndSkipped() throws IOException {
        Path file = directory.resolve("replica-0.jsonl");
        Files.writeString(file, "{\"t\": oops}\n{\"t\":1}\n", StandardOpenOption.APPEND);
        Run trace = run("trace", directory.toString());
        assertThat(trace.code()).isZero();
        assertThat(trace.out()).hasSize(7);
        assertThat(trace.err()).contains(file + ":4: not JSON").contains(file + ":5: missing \"replica\"")
                .contains("2 malformed line(s) skipped").doesNotContain("at io.bastion");
    }

    @Test
    void badArgumentsAreClearErrors() {
        Run missing = run("trace", directory.resolve("nope").toString());
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("no such trace file or directory").doesNotContain("at io.bastion");
        assertThat(run("trace", directory.toString(), "--type", "PROPOSE").err()).contains("unknown message type PROPOSE");
        assertThat(run("trace", directory.toString(), "--seq", "9..2").err()).contains("empty seq range");
        assertThat(run("trace").code()).isNotZero();
        Run help = run("trace", "--help");
        assertThat(help.code()).isZero();
        assertThat(String.join("\n", help.out())).contains("Usage: bastion trace");
    }
}
