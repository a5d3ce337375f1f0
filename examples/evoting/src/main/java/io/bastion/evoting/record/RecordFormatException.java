package io.bastion.evoting.record;

/**
 * An election record that cannot be read: not JSON, cut short, or a piece that is not what the
 * format says (docs/evoting.md, "The election record"). The message names where, as a path from the
 * top ({@code $.tally.shares[1].proof}), and what is wrong; it never needs a stack trace.
 */
public final class RecordFormatException extends RuntimeException {
    public RecordFormatException(String message) {
        super(message, null, false, false);
    }
}
