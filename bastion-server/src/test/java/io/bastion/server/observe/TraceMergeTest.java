package io.bastion.server.observe;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TraceMergeTest {
    @TempDir
    Path directory;

    private final List<String> problems = new ArrayList<>();

    private static String line(long t, int replica, String dir, String peer, String type, Long view, Long seq) {
        return new TraceEvent(t, replica, dir, peer, type, view, seq, "abcd0123", null, null).toJson();
    }

    private Path file(String name, String... lines) throws IOException {
        return Files.write(directory.resolve(name), List.of(lines));
    }

    private TraceMerge.Timeline merge(TraceFilter filter) {
        return TraceMerge.merge(TraceMerge.files(List.of(directory)), filter, problems::add);
    }

    /** A normal-case round of seq 1 as replicas 0 (primary) and 1 record it, not sorted within a file. */
    private void twoReplicas() throws IOException {
        file("replica-0.jsonl",
                line(1_000, 0, "out", "all", "PRE_PREPARE", 0L, 1L),
                line(1_300, 0, "in", "r1", "PREPARE", 0L, 1L),
                line(1_250, 0, "out", "all", "COMMIT", 0L, 1L),
                line(2_000, 0, "in", "c1007", "REQUEST", null, null));
        file("replica-1.jsonl",
                line(1_100, 1, "in", "r0", "PRE_PREPARE", 0L, 1L),
                line(1_200, 1, "out", "all", "PREPARE", 0L, 1L),
                line(1_300, 1, "in", "r0", "COMMIT", 0L, 1L),
                line(5_000, 1, "out", "all", "PREPARE", 1L, 9L));
    }

    @Test
    void mergesFilesIntoOneTimelineByTimeThenReplica() throws IOException {
        twoReplicas();
        TraceMerge.Timeline timeline = merge(TraceFilter.ALL);
        assertThat(timeline.events()).extracting(TraceEvent::timeMicros)
                .containsExactly(1_000L, 1_100L, 1_200L, 1_250L, 1_300L, 1_300L, 2_000L, 5_000L);
        assertThat(timeline.events().subList(4, 6)).extracting(TraceEvent::replica).containsExactly(0, 1);
        assertThat(timeline.malformedLines()).isZero();
        assertThat(problems).isEmpty();
    }

    @Test
    void equalTimesOfOneReplicaKeepTheirFileOrder() throws IOException {
        file("a.jsonl", line(7, 0, "in", "r1", "PREPARE", 0L, 1L), line(7, 0, "in", "r2", "PREPARE", 0L, 1L),
                line(7, 0, "in", "r3", "PREPARE", 0L, 1L));
        assertThat(merge(TraceFilter.ALL).events()).extracting(TraceEvent::peer).containsExactly("r1", "r2", "r3");
    }

    @Test
    void filtersByTypeSeqViewAndReplica() throws IOException {
        twoReplicas();
        assertThat(merge(TraceFilter.ALL.withTypes(List.of("pre-prepare", "COMMIT"))).events())
                .extracting(TraceEvent::type).containsExactly("PRE_PREPARE", "PRE_PREPARE", "COMMIT", "COMMIT");
        assertThat(merge(TraceFilter.ALL.withSeqRange("2..9")).events()).extracting(TraceEvent::seq).containsExactly(9L);
        assertThat(merge(TraceFilter.ALL.withSeqRange("1")).events()).hasSize(6);
        assertThat(merge(TraceFilter.ALL.withSeqRange("..1")).events()).hasSize(6).allMatch(e -> e.seq() == 1);
        assertThat(merge(TraceFilter.ALL.withSeqRange("5..")).events()).hasSize(1);
        assertThat(merge(TraceFilter.ALL.withView(1)).events()).extracting(TraceEvent::timeMicros).containsExactly(5_000L);
        assertThat(merge(TraceFilter.ALL.withReplicas(List.of(1))).events()).hasSize(4).allMatch(e -> e.replica() == 1);
        assertThat(merge(TraceFilter.ALL.withReplicas(List.of(1)).withTypes(List.of("PREPARE")).withView(0)).events())
                .extracting(TraceEvent::timeMicros).containsExactly(1_200L);
    }

    @Test
    void aBadFilterIsRefusedWithTheValidChoices() {
        assertThatThrownBy(() -> TraceFilter.ALL.withTypes(List.of("PROPOSE")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PRE_PREPARE");
        for (String range : List.of("a..b", "5..2", "..", "", "-1..3", "1...3")) {
            assertThatThrownBy(() -> TraceFilter.ALL.withSeqRange(range)).as(range)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void malformedLinesAreReportedByFileAndLineAndSkipped() throws IOException {
        Path file = file("replica-0.jsonl",
                line(1, 0, "in", "r1", "PREPARE", 0L, 1L),
                "not json at all",
                "",
                "{\"t\":2,\"replica\":0,\"dir\":\"in\",\"peer\":\"r1\"}",
                "{\"t\":3,\"replica\":99999999999,\"dir\":\"in\",\"peer\":\"r1\",\"type\":\"PREPARE\"}",
                "x".repeat(TraceMerge.LINE_CHARS_MAX + 10),
                line(4, 0, "in", "r2", "PREPARE", 0L, 1L),
                "{\"t\":5,\"replica\":0,\"dir\":\"in\",\"pe");
        TraceMerge.Timeline timeline = merge(TraceFilter.ALL);
        assertThat(timeline.events()).extracting(TraceEvent::timeMicros).containsExactly(1L, 4L);
        assertThat(timeline.malformedLines()).isEqualTo(5);
        assertThat(problems).hasSize(5);
        assertThat(problems.get(0)).startsWith(file + ":2: not JSON");
        assertThat(problems.get(1)).isEqualTo(file + ":4: missing \"type\"");
        assertThat(problems.get(2)).startsWith(file + ":5: ");
        assertThat(problems.get(3)).isEqualTo(file + ":6: line longer than " + TraceMerge.LINE_CHARS_MAX + " characters");
        assertThat(problems.get(4)).startsWith(file + ":8: not JSON");
    }

    @Test
    void binaryGarbageIsReportedBrieflyAndNeverStopsTheMerge() throws IOException {
        byte[] garbage = new byte[200_000];
        new java.util.SplittableRandom(1).nextBytes(garbage);
        Files.write(directory.resolve("garbage.jsonl"), garbage);
        file("replica-0.jsonl", line(1, 0, "in", "r1", "PREPARE", 0L, 1L));
        TraceMerge.Timeline timeline = merge(TraceFilter.ALL);
        assertThat(timeline.events()).hasSize(1);
        assertThat(timeline.malformedLines()).isPositive();
        assertThat(problems).hasSizeLessThanOrEqualTo(TraceMerge.PROBLEMS_PER_FILE_MAX + 1);
        if (timeline.malformedLines() > TraceMerge.PROBLEMS_PER_FILE_MAX) {
            assertThat(problems.get(problems.size() - 1)).contains("more malformed lines not shown");
        }
    }

    @Test
    void filesAreNamedOrFoundInADirectory() throws IOException {
        Path a = file("replica-1.jsonl", line(1, 1, "in", "r0", "PREPARE", 0L, 1L));
        Path b = file("replica-0.jsonl", line(1, 0, "in", "r1", "PREPARE", 0L, 1L));
        file("notes.txt", "not a trace");
        assertThat(TraceMerge.files(List.of(directory))).containsExactly(b, a);
        assertThat(TraceMerge.files(List.of(a, b))).containsExactly(a, b);
        Path notes = directory.resolve("notes.txt");
        assertThat(TraceMerge.files(List.of(notes))).containsExactly(notes);
        assertThatThrownBy(() -> TraceMerge.files(List.of(directory.resolve("missing.jsonl"))))
                .hasMessageContaining("no such trace file");
        Path empty = Files.createDirectory(directory.resolve("empty"));
        assertThatThrownBy(() -> TraceMerge.files(List.of(empty))).hasMessageContaining("no *.jsonl trace files");
    }

    @Test
    void theTableAlignsColumnsAndCountsTimeFromTheFirstEvent() throws IOException {
        file("replica-0.jsonl",
                new TraceEvent(1_767_225_600_000_000L, 0, "in", "c1007", "REQUEST", null, null, "0a1b2c3d", 1007L, 5L).toJson(),
                line(1_767_225_600_012_345L, 0, "out", "all", "PRE_PREPARE", 0L, 12L),
                line(1_767_225_601_000_007L, 0, "in", "r3", "COMMIT", 10L, 12L));
        List<String> table = TraceTable.format(merge(TraceFilter.ALL).events());
        assertThat(table).containsExactly(
                " time ms  replica  dir  peer   type         view  seq  digest    request",
                "   0.000  r0       in   c1007  REQUEST         -    -  0a1b2c3d  c1007 #5",
                "  12.345  r0       out  all    PRE_PREPARE     0   12  abcd0123  -",
                "1000.007  r0       in   r3     COMMIT         10   12  abcd0123  -");
        assertThat(TraceTable.format(List.of())).hasSize(1);
    }
}
