package io.bastion.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How a {@link FaultyClient} misbehaves: the faulty kinds of the simulator's client behaviour
 * ({@code io.bastion.sim.ClientBehaviour}), spelled the same on the command line
 * ({@code bastion bench --attack} as {@code bastion sim --attack}), played against real replica
 * processes at full speed. Each kind is something the design says a client on the Internet may do
 * without forcing view changes or slowing honest clients by more than about 20 %.
 */
public enum Attack {
    /** Correct, signed, fresh requests, sent continuously to every replica but the current primary. */
    SKIP_PRIMARY,
    /** Correct, signed, fresh requests, each to a random non-empty subset of the replicas. */
    SUBSET,
    /** One request number, different operations (each validly signed) to different replicas. */
    EQUIVOCATE,
    /** A validly signed request to some replicas, the same request with a corrupted signature to the others. */
    BAD_SIGNATURES,
    /** Requests the honest clients sent earlier, and its own old ones, sent again to every replica. */
    REPLAY,
    /** Fresh valid requests with increasing numbers to every replica, never waiting for a reply. */
    FLOOD;

    /** The spelling on the command line, e.g. {@code skip-primary}. */
    public String flag() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The attack spelled {@code flag} on the command line. */
    public static Attack parse(String flag) {
        for (Attack a : values()) {
            if (a.flag().equals(flag)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown client attack '" + flag + "'; one of " + flags());
    }

    /** Every attack's spelling, in declaration order. */
    public static List<String> flags() {
        return Arrays.stream(values()).map(Attack::flag).toList();
    }
}
