package io.bastion.sim;

import io.bastion.core.message.Reply;

/**
 * A client a test writes for its own service ({@link Workload}), run by the simulator beside the
 * replicas on the same thread and virtual clock: it is started once, ticked every
 * {@link Simulation#TICK_MILLIS} until it has finished, and handed every reply a replica sends to a
 * client id it routed ({@link ClientLink#route}). It sends only through its {@link ClientLink}, so
 * the network's loss, delays and partitions apply to it and the simulator knows what it sent.
 *
 * <p>Deterministic like the rest of a run: whatever it draws comes from a generator seeded from the
 * run's seed. A run ends (and {@link Simulation#run()} succeeds) once every program has finished,
 * so a program that plays a faulty client finishes too, once its attacks got their answers.
 */
public interface ClientProgram {
    /** The program's first step, at a random moment in the run's first 50 ms. */
    void start(ClientLink link);

    /** Time passes (the link tells the time). */
    void tick();

    /** A reply some replica sent to a client id this program routed, unchecked. */
    void onReply(Reply reply);

    boolean finished();

    /** What the program does or waits for, for failure reports. */
    String describe();
}
