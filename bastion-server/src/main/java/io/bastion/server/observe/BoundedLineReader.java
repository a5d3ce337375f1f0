package io.bastion.server.observe;

import java.io.IOException;
import java.io.Reader;

/**
 * Reads lines of at most a bounded length, so that a file with no line breaks (a binary file
 * passed by mistake) cannot exhaust memory. A longer line is skipped up to its end and reported as
 * {@link #OVERLONG}. Accepts {@code \n} and {@code \r\n}. Not thread-safe.
 */
final class BoundedLineReader implements AutoCloseable {
    private static final int BUFFER_CHARS = 8_192;

    private final Reader in;
    private final int lineCharsMax;
    private final char[] buffer = new char[BUFFER_CHARS];
    private final StringBuilder line = new StringBuilder();
    private int position;
    private int limit;
    private boolean overlong;

    BoundedLineReader(Reader in, int lineCharsMax) {
        this.in = in;
        this.lineCharsMax = lineCharsMax;
    }

    /** The next line without its line break (cut short if {@link #overlong()}), or {@code null} at the end. */
    String readLine() throws IOException {
        line.setLength(0);
        overlong = false;
        boolean any = false;
        while (fill()) {
            any = true;
            int start = position;
            while (position < limit && buffer[position] != '\n') {
                position++;
            }
            int kept = Math.min(position - start, lineCharsMax - line.length());
            overlong |= kept < position - start;
            line.append(buffer, start, kept);
            if (position < limit) {
                position++; // the '\n'
                return finish();
            }
        }
        return any ? finish() : null;
    }

    /** Whether the line last read was longer than the bound (and was cut short). */
    boolean overlong() {
        return overlong;
    }

    private boolean fill() throws IOException {
        if (position < limit) {
            return true;
        }
        limit = in.read(buffer);
        position = 0;
        if (limit < 0) {
            limit = 0;
            return false;
        }
        return true;
    }

    private String finish() {
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\r') {
            end--;
        }
        return line.substring(0, end);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
