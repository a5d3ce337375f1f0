package io.bastion.cli;

import io.bastion.net.config.ClusterGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.Callable;

/** {@code bastion keygen}: keys and a cluster file for a cluster on this machine. */
@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = {"Creates an Ed25519 key for every replica and static client, and the cluster file naming them",
                "(replicas on 127.0.0.1, consecutive ports from --base-port). Edit hosts and ports in the",
                "cluster file to spread the replicas over several machines. Never overwrites a file."})
final class KeygenCommand implements Callable<Integer> {
    @Option(names = "--dir", defaultValue = "cluster", description = "Directory to write into (default: ${DEFAULT-VALUE}).")
    Path directory;

    @Option(names = "--replicas", defaultValue = "4", description = "Number of replicas n; f = (n-1)/3 (default: ${DEFAULT-VALUE}).")
    int replicas;

    @Option(names = "--clients", defaultValue = "8", description = "Static clients with keys in the file (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--base-port", defaultValue = "7000",
            description = "Replica i listens on base+i (replicas), base+n+i (clients), base+2n+i (web) (default: ${DEFAULT-VALUE}).")
    int basePort;

    @Override
    public Integer call() throws Exception {
        ClusterGenerator.Generated generated = ClusterGenerator.generate(directory, replicas, clients, basePort,
                new SecureRandom());
        System.out.println("wrote " + generated.clusterFile() + " (n = " + replicas + ", f = " + generated.config().f()
                + "), " + replicas + " replica keys and " + clients + " client keys in " + directory);
        System.out.println("start replica i with:  ./bastion replica --config " + generated.clusterFile()
                + " --id i --data data/i");
        if (clients > 0) {
            System.out.println("then talk to it with:  ./bastion client --config " + generated.clusterFile()
                    + " --id " + ClusterGenerator.FIRST_CLIENT_ID + " put greeting hello");
        }
        return 0;
    }
}
