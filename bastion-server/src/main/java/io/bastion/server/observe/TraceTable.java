package io.bastion.server.observe;

import java.util.ArrayList;
import java.util.List;

/**
 * Prints a timeline as an aligned text table: time in ms since the first event shown (µs
 * precision), the recording replica, direction, peer, type, view, seq, digest, and for requests
 * and replies the client and request number. A field an event does not have prints as {@code -}.
 * Stateless and thread-safe.
 */
public final class TraceTable {
    private static final List<String> HEADER =
            List.of("time ms", "replica", "dir", "peer", "type", "view", "seq", "digest", "request");
    /** Columns aligned to the right (numbers). */
    private static final boolean[] RIGHT = {true, false, false, false, false, true, true, false, false};
    private static final String ABSENT = "-";
    private static final String GAP = "  ";
    private static final long MICROS_PER_MILLI = 1_000;

    private TraceTable() {}

    /** The table's lines, header first; just the header for an empty timeline. */
    public static List<String> format(List<TraceEvent> events) {
        List<List<String>> rows = new ArrayList<>(events.size() + 1);
        rows.add(HEADER);
        long start = events.isEmpty() ? 0 : events.get(0).timeMicros();
        for (TraceEvent e : events) {
            rows.add(row(e, start));
        }
        int[] widths = widths(rows);
        List<String> lines = new ArrayList<>(rows.size());
        for (List<String> row : rows) {
            lines.add(line(row, widths));
        }
        return lines;
    }

    private static List<String> row(TraceEvent e, long startMicros) {
        return List.of(millis(e.timeMicros() - startMicros), TraceEvent.replicaPeer(e.replica()), e.direction(),
                e.peer(), e.type(), text(e.view()), text(e.seq()), e.digest() == null ? ABSENT : e.digest(),
                e.client() == null ? ABSENT : TraceEvent.clientPeer(e.client()) + " #" + text(e.request()));
    }

    /** {@code micros} as milliseconds with three decimals, e.g. {@code 12.345}. */
    static String millis(long micros) {
        String sign = micros < 0 ? "-" : "";
        long magnitude = Math.abs(micros);
        return sign + magnitude / MICROS_PER_MILLI + "." + String.format("%03d", magnitude % MICROS_PER_MILLI);
    }

    private static String text(Long value) {
        return value == null ? ABSENT : value.toString();
    }

    private static int[] widths(List<List<String>> rows) {
        int[] widths = new int[HEADER.size()];
        for (List<String> row : rows) {
            for (int c = 0; c < widths.length; c++) {
                widths[c] = Math.max(widths[c], row.get(c).length());
            }
        }
        return widths;
    }

    private static String line(List<String> row, int[] widths) {
        StringBuilder b = new StringBuilder();
        for (int c = 0; c < widths.length; c++) {
            if (c > 0) {
                b.append(GAP);
            }
            String cell = row.get(c);
            String pad = " ".repeat(widths[c] - cell.length());
            b.append(RIGHT[c] ? pad + cell : c == widths.length - 1 ? cell : cell + pad);
        }
        return b.toString();
    }
}
