package io.bastion.bench;

import io.bastion.core.config.ClusterConfig;
import io.bastion.net.config.ClusterGenerator;

import java.io.IOException;
import java.util.List;

/**
 * Where the replicas of a benchmark's cluster run, and how this process reaches them: the host
 * each is listed under in the cluster file, the command its JVM starts under, and the host at
 * which this process checks that it listens. {@link #LOCAL} is this machine's loopback, as
 * {@code bastion bench} runs; {@code io.bastion.bench.wan} puts each replica in a network
 * namespace of its own behind a delaying relay. Implementations are called from the thread that
 * builds the benchmark.
 */
public interface ReplicaPlacement {
    /** Every replica on 127.0.0.1, started as a plain child process. */
    ReplicaPlacement LOCAL = new ReplicaPlacement() {};

    /** The host replica {@code id} is listed under in the cluster file (its web certificate names it). */
    default String host(int id) {
        return ClusterGenerator.HOST;
    }

    /** The command replica {@code id}'s JVM is started under (it must exec the JVM); none by default. */
    default List<String> launchPrefix(int id) {
        return List.of();
    }

    /** Where this process checks that replica {@code id} listens: its host by default. */
    default String probeHost(int id) {
        return host(id);
    }

    /**
     * Called once the cluster file is written, before any replica starts: e.g. to start what carries
     * the traffic between the hosts.
     */
    default void prepare(ClusterConfig config) throws IOException {}
}
