package io.bastion.cli;

import io.bastion.net.config.ClusterGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.Callable;

/** {@code bastion keygen}: keys and a cluster file for a cluster on this machine. */
@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = {"Creates an Ed25519 key for every replica and static client, a cluster CA with a web certificate",
                "per replica, and the cluster file naming them (replicas on 127.0.0.1, consecutive ports from",
                "--base-port). Edit hosts and ports in the cluster file to spread the replicas over several machines,",
                "then run it again with --renew-web-certificates so the certificates name the new hosts. Never",
                "overwrites a file, except web certificates with --renew-web-certificates."})
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

    @Option(names = "--renew-web-certificates",
            description = "Instead: issue every replica of --dir's cluster file a new web certificate from the cluster CA"
                    + " there, for the hosts the file gives now, replacing the old ones (running replicas serve them"
                    + " to new connections within a second).")
    boolean renew;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (renew) {
            for (Path written : ClusterGenerator.renewWebCertificates(directory, new SecureRandom())) {
                out.println("renewed " + written);
            }
            out.flush();
            return 0;
        }
        ClusterGenerator.Generated generated = ClusterGenerator.generate(directory, replicas, clients, basePort,
                new SecureRandom());
        out.println("wrote in " + directory + ":");
        out.println("  " + ClusterGenerator.CLUSTER_FILE_NAME + "            the cluster file (n = " + replicas
                + ", f = " + generated.config().f() + "): replica keys, ports, and the cluster CA under [tls]");
        out.println("  replica-<i>.key        each replica's Ed25519 key (private: copy each to its host only)");
        out.println("  client-<id>.key        " + clients + " static clients' keys (private)");
        out.println("  " + ClusterGenerator.CA_CERTIFICATE_FILE_NAME + ", " + ClusterGenerator.CA_KEY_FILE_NAME
                + "         the cluster CA (ca.key private: keep it off the replicas)");
        out.println("  replica-<i>-web.crt    each replica's web certificate chain, naming its host, and");
        out.println("  replica-<i>-web.key    its key (private), for the HTTPS web and metrics ports");
        out.println("start replica i with:  ./bastion replica --config " + generated.clusterFile()
                + " --id i --data data/i");
        if (clients > 0) {
            out.println("then talk to it with:  ./bastion client --config " + generated.clusterFile()
                    + " --id " + ClusterGenerator.FIRST_CLIENT_ID + " put greeting hello");
        }
        out.flush();
        return 0;
    }
}
