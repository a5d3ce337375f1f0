package io.bastion.core.replica;

import io.bastion.core.util.Check;

import java.util.Arrays;

/**
 * How much of one kind of work each peer replica may cause: at most {@code perWindow} uses per
 * window of {@code windowMillis}, counted per peer on the replica's own clock (deterministic, so
 * the simulator replays it). A correct peer stays far below it; a faulty one that floods STATUS or
 * FETCH messages gets no more answers than that.
 */
final class PeerBudget {
    private final int perWindow;
    private final long windowMillis;
    private final long[] windowStart;
    private final int[] used;

    PeerBudget(int peers, int perWindow, long windowMillis) {
        Check.argument(perWindow > 0 && windowMillis > 0, "a budget needs positive uses and window");
        this.perWindow = perWindow;
        this.windowMillis = windowMillis;
        this.windowStart = new long[peers];
        this.used = new int[peers];
        Arrays.fill(windowStart, Long.MIN_VALUE / 2);
    }

    /** Takes one use for {@code peer} at {@code nowMillis}; false when its budget is spent. */
    boolean take(int peer, long nowMillis) {
        if (nowMillis - windowStart[peer] >= windowMillis) {
            windowStart[peer] = nowMillis;
            used[peer] = 0;
        }
        if (used[peer] >= perWindow) {
            return false;
        }
        used[peer]++;
        return true;
    }
}
