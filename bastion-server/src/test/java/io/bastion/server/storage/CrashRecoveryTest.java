package io.bastion.server.storage;

import io.bastion.server.storage.FileProtocolLog.Settings;
import io.bastion.server.storage.ProtocolLog.Entry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kills a JVM that appends groups ({@link CrashWriter}) at a random moment, reopens its log and
 * checks that every group the child acknowledged is there, whole and in order; then lets the next
 * child continue on the same log. Seeded: a failure names the seed that reproduces its schedule.
 */
class CrashRecoveryTest {
    private static final long SEED = 20_260_501L;
    private static final int KILLS = 5;
    /** The child is killed after reading between 1 and this many acknowledgements. */
    private static final int ACKNOWLEDGEMENTS_BEFORE_KILL_MAX = 300;

    @TempDir
    Path directory;

    private Process child;

    @AfterEach
    void killChild() throws InterruptedException {
        if (child != null && child.isAlive()) {
            child.destroyForcibly();
            child.waitFor();
        }
    }

    @Test
    @Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void everyAcknowledgedGroupSurvivesAKill() throws Exception {
        Random random = new Random(SEED);
        Path log = directory.resolve("log");
        long newestHeld = 0;
        for (int kill = 1; kill <= KILLS; kill++) {
            int before = 1 + random.nextInt(ACKNOWLEDGEMENTS_BEFORE_KILL_MAX);
            String context = "kill " + kill + " after " + before + " acknowledgements; reproduce with seed=" + SEED;
            List<Long> acknowledged = runAndKill(log, before, context);
            assertThat(acknowledged).as(context).hasSizeGreaterThanOrEqualTo(before);
            assertThat(acknowledged.getFirst()).as("%s: the child continues after the last group held", context)
                    .isEqualTo(newestHeld + 1);
            newestHeld = checkLog(log, acknowledged.getLast(), context);
        }
    }

    /** Starts a child on {@code log}, kills it after {@code before} acknowledgements, returns all it printed. */
    private List<Long> runAndKill(Path log, int before, String context) throws IOException, InterruptedException {
        Path errors = directory.resolve("child-errors.txt");
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        child = new ProcessBuilder(java, "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), CrashWriter.class.getName(), log.toString())
                .redirectError(errors.toFile())
                .start();
        List<Long> acknowledged = new ArrayList<>();
        InputStream out = new BufferedInputStream(child.getInputStream());
        while (acknowledged.size() < before) {
            String line = completeLine(out);
            assertThat(line).as("%s: the child stopped early; its errors: %s", context, Files.readString(errors)).isNotNull();
            acknowledged.add(Long.parseLong(line));
        }
        // through the handle: Process.destroyForcibly would also close our end of the pipe
        child.toHandle().destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).as(context).isTrue();
        for (String line = completeLine(out); line != null; line = completeLine(out)) {
            acknowledged.add(Long.parseLong(line));
        }
        return acknowledged;
    }

    /** The next line ended by a newline, or {@code null} at the end (a line cut short by the kill does not count). */
    private static String completeLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c >= 0; c = in.read()) {
            if (c == '\n') {
                return line.toString();
            }
            line.append((char) c);
        }
        return null;
    }

    /**
     * The log holds every group from {@code newestAcknowledged - KEPT_GROUPS} on whole, every entry
     * it holds is one that was written for its group, in order, and sequence numbers only grow.
     * Returns the newest sequence number held.
     */
    private static long checkLog(Path log, long newestAcknowledged, String context) {
        List<Entry> entries;
        try (FileProtocolLog opened = FileProtocolLog.open(log, Settings.defaults().withSegmentBytes(CrashWriter.SEGMENT_BYTES))) {
            entries = opened.readAll();
        }
        Map<Long, List<Entry>> groups = new TreeMap<>();
        long previous = Long.MIN_VALUE;
        for (Entry e : entries) {
            assertThat(e.seq()).as(context).isGreaterThanOrEqualTo(previous);
            previous = e.seq();
            groups.computeIfAbsent(e.seq(), s -> new ArrayList<>()).add(e);
        }
        // a group may be cut at its end (a torn, unacknowledged append) or at its start (a discarded segment)
        groups.forEach((seq, held) -> assertThat(CrashWriter.group(seq)).as("%s: group %d", context, seq).containsSubsequence(held));
        for (long seq = Math.max(1, newestAcknowledged - CrashWriter.KEPT_GROUPS); seq <= newestAcknowledged; seq++) {
            assertThat(groups.get(seq)).as("%s: acknowledged group %d", context, seq).isEqualTo(CrashWriter.group(seq));
        }
        return previous;
    }
}
