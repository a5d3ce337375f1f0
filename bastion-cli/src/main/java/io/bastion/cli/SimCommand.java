package io.bastion.cli;

import io.bastion.sim.ClientBehaviour;
import io.bastion.sim.SimOptions;
import io.bastion.sim.SimResult;
import io.bastion.sim.Simulation;
import io.bastion.sim.SimulationFailure;
import io.bastion.sim.Swarm;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code bastion sim}: run the deterministic simulator for one seed (replay) or many. */
@Command(name = "sim", mixinStandardHelpOptions = true,
        description = {"Runs the whole cluster in one thread on a virtual clock with a lossy, reordering network,",
                "checking agreement, validity, exactly-once and linearizability after every event.",
                "A failing seed prints the command that replays the identical run."})
final class SimCommand implements Callable<Integer> {
    @Option(names = "--seed", description = "Replay exactly this seed and print what happened.")
    Long seed;

    @Option(names = "--seeds", defaultValue = "100", description = "How many random seeds to run (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--first", description = "Run seeds first, first+1, ... instead of random ones.")
    Long first;

    @Option(names = "--f", defaultValue = "1", description = "Faults tolerated; 3f+1 replicas (default: ${DEFAULT-VALUE}).")
    int f;

    @Option(names = "--clients", defaultValue = "4", description = "Simulated clients (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--requests", defaultValue = "20", description = "Requests per client (default: ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--loss", defaultValue = "0.1", description = "Message loss probability (default: ${DEFAULT-VALUE}).")
    double loss;

    @Option(names = "--duplicate", defaultValue = "0.02", description = "Duplication probability (default: ${DEFAULT-VALUE}).")
    double duplicate;

    @Option(names = "--latency", defaultValue = "1..20", description = "One-way delay range in ms (default: ${DEFAULT-VALUE}).")
    String latency;

    @Option(names = "--faulty-ms", defaultValue = "10000",
            description = "Virtual ms of faults before the network heals (default: ${DEFAULT-VALUE}).")
    long faultyMillis;

    @Option(names = "--skew-ms", defaultValue = "50", description = "Largest replica clock offset (default: ${DEFAULT-VALUE}).")
    long skewMillis;

    @Option(names = "--byzantine", defaultValue = "0",
            description = "Replicas (at most f) given a random Byzantine behaviour (default: ${DEFAULT-VALUE}).")
    int byzantine;

    @Option(names = "--crashes", description = "Replicas crash and restart from their simulated disks.")
    boolean crashes;

    @Option(names = "--partitions", description = "The network splits now and then.")
    boolean partitions;

    @Option(names = "--dynamic-clients", description = "The last N clients join at run time (Hello, challenges, "
            + "Join), leave now and then and join again (default: 0).")
    int dynamicClients;

    @Option(names = "--faulty-clients", description = "Further clients that attack: send to some replicas only, "
            + "equivocate, sign badly for some, replay or flood (default: 0). Only the honest ones must finish.")
    int faultyClients;

    @Option(names = "--attack", description = "What the faulty clients do: skip-primary, subset, equivocate, "
            + "bad-signatures, replay, flood, or, only when named, flood-one (a burst of numbered requests to one backup"
            + " at a time) or bad-tags (MAC client mode: good tags for some replicas, bad ones for the others)"
            + " (default: a kind per client, chosen from the seed).")
    String attack;

    @Option(names = "--mac-clients", description = "The registered honest clients authenticate requests with a tag"
            + " per replica (MAC client mode), and set up keys again with a replica that restarted.")
    boolean macClients;

    @Option(names = "--collude", description = "The Byzantine replicas share one behaviour and pick on the same victim.")
    boolean collude;

    @Option(names = "--hostile", description = "Shorthand for --byzantine f --crashes --partitions --loss 0.05.")
    boolean hostile;

    @Option(names = "--threshold", description = "The replicas run the threshold cryptography too: a client generates"
            + " keys, has a value decrypted, a coin drawn and a message signed; the run checks keys, shares and"
            + " results at every correct replica (docs/threshold.md).")
    boolean threshold;

    @Option(names = "--threshold-fault", paramLabel = "FAULT", description = "With --threshold: how the Byzantine"
            + " replicas' agents misbehave: withhold, bad_dealing, false_complaint or bad_shares (default: one per"
            + " replica, chosen by the seed).")
    String thresholdFault;

    @Override
    public Integer call() {
        SimOptions options = options();
        if (seed != null) {
            try {
                SimResult result = new Simulation(options, seed).run();
                System.out.println("ok " + result);
                return 0;
            } catch (SimulationFailure failure) {
                System.out.println("FAIL " + failure.getMessage());
                if (failure.getCause() != null) {
                    failure.getCause().printStackTrace(System.out);
                }
                return 1;
            }
        }
        long start = first != null ? first : new SecureRandom().nextLong() & Long.MAX_VALUE;
        long[] list = new long[seeds];
        for (int i = 0; i < seeds; i++) {
            list[i] = start + i;
        }
        System.out.println("running " + seeds + " seeds from " + start + " with " + options.flags());
        long began = System.nanoTime();
        List<SimulationFailure> failures = Swarm.run(list, s -> new Simulation(options, s), System.out);
        System.out.printf("%d of %d seeds passed in %.1f s%n", seeds - failures.size(), seeds,
                (System.nanoTime() - began) / 1e9);
        return failures.isEmpty() ? 0 : 1;
    }

    private SimOptions options() {
        String[] range = latency.split("\\.\\.");
        if (range.length != 2) {
            throw new IllegalArgumentException("--latency takes MIN..MAX in ms, got " + latency);
        }
        SimOptions base = hostile ? SimOptions.hostile(f) : SimOptions.lossy(f);
        SimOptions configured = base.withClients(clients, requests)
                .withNetwork(hostile ? base.dropRate() : loss, duplicate, Long.parseLong(range[0]),
                        Long.parseLong(range[1]), hostile ? base.faultyMillis() : faultyMillis, skewMillis)
                .withFaults(hostile ? f : byzantine, hostile || crashes, hostile || partitions)
                .withDynamicClients(dynamicClients)
                .withFaultyClients(faultyClients, attack == null ? null : ClientBehaviour.parse(attack))
                .withCollusion(collude)
                .withMacClients(macClients);
        if (thresholdFault != null && !threshold) {
            throw new IllegalArgumentException("--threshold-fault needs --threshold");
        }
        return threshold ? configured.withThreshold(thresholdFault == null ? null : fault(thresholdFault)) : configured;
    }

    private static io.bastion.threshold.FaultyThresholdAgent.Fault fault(String name) {
        try {
            return io.bastion.threshold.FaultyThresholdAgent.Fault.valueOf(
                    name.replace('-', '_').toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--threshold-fault " + name
                    + ": choose withhold, bad_dealing, false_complaint or bad_shares");
        }
    }
}
