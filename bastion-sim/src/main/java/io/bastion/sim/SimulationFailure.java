package io.bastion.sim;

/** A simulated run broke a safety or liveness property; the message says how to replay it. */
public final class SimulationFailure extends RuntimeException {
    private final long seed;

    /** A failure of a run of {@code bastion sim} with options {@code flags}. */
    public SimulationFailure(long seed, String flags, long virtualMillis, String problem, Throwable cause) {
        this(seed, "./bastion sim --seed " + seed + " " + flags, virtualMillis, problem, cause, true);
    }

    private SimulationFailure(long seed, String replay, long virtualMillis, String problem, Throwable cause,
                              boolean unused) {
        super(problem + " (seed " + seed + ", virtual time " + virtualMillis + " ms); reproduce with: " + replay, cause);
        this.seed = seed;
    }

    /** A failure of a run that {@code replay} (a command, the seed in it) replays, e.g. a test of a workload. */
    public static SimulationFailure replayedBy(long seed, String replay, long virtualMillis, String problem,
                                               Throwable cause) {
        return new SimulationFailure(seed, replay, virtualMillis, problem, cause, true);
    }

    public long seed() {
        return seed;
    }
}
