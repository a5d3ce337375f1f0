package io.bastion.server.observe;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Merges the trace files of a local cluster into one timeline. The replicas of a local cluster
 * share the host's clock, so their events sort by time; events with equal times sort by replica,
 * then keep the order of the files and lines they came from. A file is not assumed to be sorted
 * (threads record concurrently). A malformed line is reported as {@code file:line: reason} and
 * skipped; at most {@link #PROBLEMS_PER_FILE_MAX} are reported per file, the rest are counted.
 * Stateless and thread-safe.
 */
public final class TraceMerge {
    /** Name ending of the trace files taken from a directory. */
    public static final String FILE_SUFFIX = ".jsonl";
    /** Longest line read; longer ones are malformed (trace lines are a few hundred characters). */
    public static final int LINE_CHARS_MAX = 64 * 1024;
    /** Malformed lines reported one by one per file; the remainder is reported as a count. */
    public static final int PROBLEMS_PER_FILE_MAX = 20;

    /**
     * A merged timeline.
     *
     * @param events         the kept events, sorted by time
     * @param malformedLines lines skipped because they were no trace event
     */
    public record Timeline(List<TraceEvent> events, long malformedLines) {
        public Timeline {
            events = List.copyOf(events);
        }
    }

    private static final Comparator<TraceEvent> ORDER =
            Comparator.comparingLong(TraceEvent::timeMicros).thenComparingInt(TraceEvent::replica);

    private TraceMerge() {}

    /**
     * The trace files that {@code paths} name: a file as it is, a directory's {@code *.jsonl} files
     * in name order.
     *
     * @throws IllegalArgumentException for a path that does not exist or a directory without trace files
     */
    public static List<Path> files(List<Path> paths) {
        List<Path> files = new ArrayList<>();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                List<Path> inside = traceFilesIn(path);
                if (inside.isEmpty()) {
                    throw new IllegalArgumentException("no *" + FILE_SUFFIX + " trace files in " + path);
                }
                files.addAll(inside);
            } else if (Files.isRegularFile(path)) {
                files.add(path);
            } else {
                throw new IllegalArgumentException("no such trace file or directory: " + path);
            }
        }
        return files;
    }

    private static List<Path> traceFilesIn(Path directory) {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, "*" + FILE_SUFFIX)) {
            for (Path entry : entries) {
                if (Files.isRegularFile(entry)) {
                    files.add(entry);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory + ": " + e.getMessage(), e);
        }
        files.sort(Comparator.comparing(Path::toString));
        return files;
    }

    /**
     * Reads {@code files}, keeps the events {@code filter} accepts, and sorts them into one
     * timeline. Each malformed line is passed to {@code problems} as {@code file:line: reason}.
     *
     * @throws UncheckedIOException if a file cannot be read
     */
    public static Timeline merge(List<Path> files, Predicate<TraceEvent> filter, Consumer<String> problems) {
        List<TraceEvent> events = new ArrayList<>();
        long malformed = 0;
        for (Path file : files) {
            malformed += read(file, event -> {
                if (filter.test(event)) {
                    events.add(event);
                }
            }, problems);
        }
        events.sort(ORDER); // stable: ties keep file and line order
        return new Timeline(events, malformed);
    }

    /** Passes every event of {@code file} to {@code sink}; returns the number of malformed lines. */
    static long read(Path file, Consumer<TraceEvent> sink, Consumer<String> problems) {
        long malformed = 0;
        long number = 0;
        try (BoundedLineReader lines = new BoundedLineReader(
                new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8), LINE_CHARS_MAX)) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                number++;
                String problem = lines.overlong() ? "line longer than " + LINE_CHARS_MAX + " characters"
                        : line.isBlank() ? null : accept(line, sink);
                if (problem != null && ++malformed <= PROBLEMS_PER_FILE_MAX) {
                    problems.accept(file + ":" + number + ": " + problem);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read trace file " + file + ": " + e.getMessage(), e);
        }
        if (malformed > PROBLEMS_PER_FILE_MAX) {
            problems.accept(file + ": " + (malformed - PROBLEMS_PER_FILE_MAX) + " more malformed lines not shown");
        }
        return malformed;
    }

    /** Parses {@code line} into {@code sink}; returns what is wrong with it, or {@code null}. */
    private static String accept(String line, Consumer<TraceEvent> sink) {
        TraceEvent event;
        try {
            event = TraceEvent.parse(line);
        } catch (IllegalArgumentException | ArithmeticException e) {
            return e.getMessage();
        }
        sink.accept(event);
        return null;
    }
}
