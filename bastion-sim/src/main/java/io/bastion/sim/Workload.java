package io.bastion.sim;

import java.nio.file.Path;
import java.util.List;
import java.util.function.LongFunction;

/**
 * What a test runs in a simulation in place of the built-in counter: the service every replica
 * executes and the clients that use it. The options' network, faults and Byzantine replicas apply
 * as in any run, and the {@link Checker}'s agreement, validity and exactly-once checks; whether the
 * service's answers are right is the test's to check, after {@link Simulation#run()}.
 *
 * <p>The options must ask for no counter clients, and for faulty ones only of the kinds that never
 * accept a result ({@link ClientBehaviour#REPLAY}, {@link ClientBehaviour#FLOOD},
 * {@link ClientBehaviour#FLOOD_ONE}): a counter client would take the service's answers for
 * counter values. No {@link ThresholdClient} runs: the service asks for what it needs itself.
 *
 * @param service   what every replica executes
 * @param directory where replica {@code i} keeps its state, in {@code directory/r<i>}
 * @param programs  the clients, each on a node of its own
 * @param replay    how to replay the run of a seed, for failure messages (a test and its flags)
 */
public record Workload(ReplicaService service, Path directory, List<ClientProgram> programs,
                       LongFunction<String> replay) {
    public Workload {
        programs = List.copyOf(programs);
    }

    /** Whether the options fit a run of this workload; throws saying why not. */
    void check(SimOptions options) {
        if (options.clients() > 0) {
            throw new IllegalArgumentException("a workload brings its own clients: ask for no counter clients, not "
                    + options.clients());
        }
        if (options.faultyClients() > 0 && (options.attack() == null || !List.of(ClientBehaviour.REPLAY,
                ClientBehaviour.FLOOD, ClientBehaviour.FLOOD_ONE).contains(options.attack()))) {
            throw new IllegalArgumentException("faulty counter clients beside a workload must replay or flood (they"
                    + " never accept an answer), not " + options.attack());
        }
    }
}
