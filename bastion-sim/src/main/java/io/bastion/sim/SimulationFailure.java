package io.bastion.sim;

/** A simulated run broke a safety or liveness property; the message says how to replay it. */
public final class SimulationFailure extends RuntimeException {
    private final long seed;

    public SimulationFailure(long seed, String flags, long virtualMillis, String problem, Throwable cause) {
        super(problem + " (seed " + seed + ", virtual time " + virtualMillis + " ms); reproduce with: ./bastion sim --seed "
                + seed + " " + flags, cause);
        this.seed = seed;
    }

    public long seed() {
        return seed;
    }
}
