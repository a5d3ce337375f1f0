package io.bastion.evoting;

/**
 * Where an election stands at an agreed time: upcoming before {@code opensAt}, open from
 * {@code opensAt} until {@code closesAt} (exclusive) or until an admin closes it, closed after.
 */
enum ElectionState {
    UPCOMING, OPEN, CLOSED;

    static ElectionState at(long nowMillis, long opensAtMillis, Long closesAtMillis, boolean closedByAdmin) {
        if (closedByAdmin || (closesAtMillis != null && nowMillis >= closesAtMillis)) {
            return CLOSED;
        }
        return nowMillis < opensAtMillis ? UPCOMING : OPEN;
    }

    /** The name in JSON. */
    String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
