package io.bastion.server.storage;

import io.bastion.server.storage.FileProtocolLog.Settings;
import io.bastion.server.storage.ProtocolLog.Entry;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * The child process of {@link CrashRecoveryTest}: opens the log in {@code args[0]}, continues
 * after the last group it holds, and appends groups forever, printing each group's number once
 * its append returned. Every group at sequence number {@code g} is {@link #group(long)}.
 */
public final class CrashWriter {
    /** Small segments, so that rotations and discards happen within a few hundred groups. */
    static final long SEGMENT_BYTES = 16 << 10;
    /** Groups kept behind the newest by {@code discardBelow}. */
    static final long KEPT_GROUPS = 200;
    /** How often (in groups) older entries are discarded. */
    private static final long DISCARD_EVERY_GROUPS = 50;

    private CrashWriter() {}

    static List<Entry> group(long seq) {
        return TestMessages.group(seq, 1 + (int) (seq % 5));
    }

    public static void main(String[] args) {
        PrintStream out = System.out;
        try (FileProtocolLog log = FileProtocolLog.open(Path.of(args[0]),
                Settings.defaults().withSegmentBytes(SEGMENT_BYTES))) {
            List<Entry> held = log.readAll();
            for (long seq = held.isEmpty() ? 1 : held.getLast().seq() + 1; ; seq++) {
                log.appendDurably(group(seq));
                if (seq % DISCARD_EVERY_GROUPS == 0) {
                    log.discardBelow(seq - KEPT_GROUPS);
                }
                out.println(seq);
                out.flush();
            }
        }
    }
}
