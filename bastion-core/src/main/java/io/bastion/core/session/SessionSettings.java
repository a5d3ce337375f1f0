package io.bastion.core.session;

import io.bastion.core.util.Check;

/**
 * Limits of dynamic client membership, identical at every replica (they decide replicated state).
 *
 * @param capacity               live sessions at most; a Join beyond it evicts an idle session or is refused
 * @param idleMillisBeforeEviction a session whose last executed request is older than this (agreed
 *                               time) may be evicted to make room for a Join
 * @param challengeLifetimeMillis how long a replica's challenge stays valid after it is issued
 * @param challengeLifetimeMaxMillis a Join refuses a challenge that claims to stay valid longer than
 *                               this beyond the batch's agreed time (a faulty replica's forever-valid challenge)
 */
public record SessionSettings(int capacity, long idleMillisBeforeEviction, long challengeLifetimeMillis,
                              long challengeLifetimeMaxMillis) {
    /** Client ids from here on are assigned by Joins; registered (static) clients use smaller ones. */
    public static final long FIRST_DYNAMIC_CLIENT_ID = 1L << 40;
    /** The largest session table a cluster may configure. */
    public static final int CAPACITY_MAX = 10_000_000;

    public SessionSettings {
        Check.argument(capacity > 0 && capacity <= CAPACITY_MAX, "session capacity must be 1.." + CAPACITY_MAX);
        Check.argument(idleMillisBeforeEviction > 0, "idleMillisBeforeEviction must be positive");
        Check.argument(challengeLifetimeMillis > 0, "challengeLifetimeMillis must be positive");
        Check.argument(challengeLifetimeMaxMillis >= challengeLifetimeMillis,
                "challengeLifetimeMaxMillis must be at least challengeLifetimeMillis");
    }

    /** 100,000 sessions, evictable after 15 minutes idle, challenges valid 60 s (at most 5 min). */
    public static SessionSettings defaults() {
        return new SessionSettings(100_000, 15 * 60_000L, 60_000L, 5 * 60_000L);
    }

    public SessionSettings withCapacity(int sessions) {
        return new SessionSettings(sessions, idleMillisBeforeEviction, challengeLifetimeMillis,
                challengeLifetimeMaxMillis);
    }

    public SessionSettings withIdleMillisBeforeEviction(long millis) {
        return new SessionSettings(capacity, millis, challengeLifetimeMillis, challengeLifetimeMaxMillis);
    }

    /** Whether {@code clientId} belongs to a registered client (cluster file) rather than a session. */
    public static boolean isStatic(long clientId) {
        return clientId >= 0 && clientId < FIRST_DYNAMIC_CLIENT_ID;
    }
}
