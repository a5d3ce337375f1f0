package io.bastion.sim;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/**
 * Runs many seeds and reports the failing ones; each failing seed replays exactly with
 * {@code ./bastion sim --seed N}.
 */
public final class Swarm {
    private Swarm() {}

    /** Runs {@code seeds} and returns the failures; prints one line per failure to {@code out}. */
    public static List<SimulationFailure> run(long[] seeds, LongFunction<Simulation> simulationForSeed,
                                              PrintStream out) {
        List<SimulationFailure> failures = new ArrayList<>();
        for (long seed : seeds) {
            try {
                simulationForSeed.apply(seed).run();
            } catch (SimulationFailure failure) {
                failures.add(failure);
                out.println("FAIL " + failure.getMessage());
            }
        }
        return failures;
    }
}
