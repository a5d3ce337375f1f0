package io.bastion.cli;

import io.bastion.core.config.ClusterConfig;
import io.bastion.core.config.ReplicaInfo;
import io.bastion.net.config.ClusterFile;
import io.bastion.net.config.ClusterGenerator;
import io.bastion.server.local.LocalCluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code bastion demo}: a local cluster of replica processes, stopped together with Ctrl-C. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Starts a local cluster: keys and a cluster file in --dir (made on first use), and one",
                "replica process per replica on 127.0.0.1, by default with the e-voting service and its web page",
                "served by every replica. Prints the address to open and the demo accounts. Ctrl-C stops every replica."})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--dir", defaultValue = "demo-cluster", description = "Where keys, cluster file and logs live (default: ${DEFAULT-VALUE}).")
    Path directory;

    @Option(names = "--replicas", defaultValue = "4", description = "Replicas on first use (default: ${DEFAULT-VALUE}).")
    int replicas;

    @Option(names = "--base-port", defaultValue = "7000", description = "First port on first use (default: ${DEFAULT-VALUE}).")
    int basePort;

    @Option(names = "--service", defaultValue = "evoting",
            description = "evoting, kv, counter, null or sql-insert (default: ${DEFAULT-VALUE}).")
    String service;

    @Option(names = "--web-root", paramLabel = "DIR",
            description = "The web page every replica serves (default: bastion-js next to this build, if present).")
    Path webRoot;

    @Option(names = "--https",
            description = "Serve the page over HTTPS and WSS with certificates of the demo's own CA (--dir/ca.crt),"
                    + " which the browser must trust first (printed). Default: the page over plain HTTP on"
                    + " 127.0.0.1, which browsers treat as a secure context; every other port speaks TLS either way.")
    boolean https;

    @Option(names = "--lying-replica", paramLabel = "ID", hidden = true,
            description = "Test only: this replica signs wrong answers to reads (--test-fault wrong-reads).")
    Integer lyingReplica;

    @Override
    public Integer call() throws Exception {
        Services.parse(service);
        Path clusterFile = directory.resolve(ClusterGenerator.CLUSTER_FILE_NAME);
        if (!Files.exists(clusterFile)) {
            ClusterGenerator.generate(directory, replicas, 8, basePort, new SecureRandom());
            System.out.println("created keys, certificates and " + clusterFile);
        } else if (!Files.exists(directory.resolve(ClusterGenerator.CA_CERTIFICATE_FILE_NAME))) {
            throw new IllegalStateException(directory + " was made by a Bastion without TLS (it has no "
                    + ClusterGenerator.CA_CERTIFICATE_FILE_NAME + "); remove it (rm -r " + directory + ") and run the demo again");
        }
        ClusterConfig config = ClusterFile.load(clusterFile);
        refuseBusyPorts(config);
        int metricsBase = config.replicas().stream().mapToInt(r -> Math.max(r.replicaPort(), r.clientPort()))
                .max().orElse(basePort) + config.n() + 1;
        Path web = webRoot != null ? webRoot : defaultWebRoot();
        if (lyingReplica != null && (lyingReplica < 0 || lyingReplica >= config.n())) {
            throw new IllegalArgumentException("--lying-replica must be 0.." + (config.n() - 1));
        }
        LocalCluster cluster = new LocalCluster(config, clusterFile, directory,
                LocalCluster.Launcher.current(Bastion.class.getName(), List.of("-Xmx512m", "-XX:+UseSerialGC")),
                id -> replicaArguments(id, config, web, metricsBase));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            cluster.close();
            System.out.println("\nstopped every replica");
        }, "bastion-demo-stop"));
        cluster.startAll();
        cluster.awaitReady(Duration.ofSeconds(60));
        printWelcome(config, clusterFile, cluster, metricsBase, web);
        watch(cluster, config);
        return 0;
    }

    private List<String> replicaArguments(int id, ClusterConfig config, Path web, int metricsBase) {
        List<String> arguments = new java.util.ArrayList<>(List.of("--service", service,
                "--trace", directory.resolve("trace-" + id + ".jsonl").toString(),
                "--metrics-port", Integer.toString(metricsBase + id)));
        if (web != null && config.replica(id).webPort() > 0) {
            arguments.addAll(List.of("--web-root", web.toString()));
        }
        if (!https) {
            // the page stays on http://127.0.0.1 (a secure context for browsers) so nothing needs trusting
            arguments.addAll(List.of("--insecure-plaintext", "web"));
        }
        if (lyingReplica != null && lyingReplica == id) {
            arguments.addAll(List.of("--test-fault", "wrong-reads"));
        }
        return arguments;
    }

    /** bastion-js in the source tree this build came from (…/bastion-cli/target/bastion.jar), if there. */
    private static Path defaultWebRoot() {
        try {
            Path jar = Path.of(Bastion.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path candidate = jar.getParent().getParent().getParent().resolve("bastion-js");
            return Files.isRegularFile(candidate.resolve("index.html")) ? candidate.toAbsolutePath() : null;
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    private void printWelcome(ClusterConfig config, Path clusterFile, LocalCluster cluster, int metricsBase, Path web) {
        System.out.println();
        System.out.printf("Bastion demo: %d replicas (f = %d) are running the %s service on 127.0.0.1.%n",
                config.n(), config.f(), service);
        for (int id = 0; id < config.n(); id++) {
            ReplicaInfo r = config.replica(id);
            System.out.printf("  replica %d  pid %-7d clients -> %s:%d   metrics https://%s:%d/metrics   log %s%n", id,
                    cluster.process(id).pid(), r.host(), r.clientPort(), r.host(), metricsBase + id,
                    directory.resolve("replica-" + id + ".log"));
        }
        long client = config.clients().isEmpty() ? 1 : config.clients().get(0).id();
        System.out.println();
        ReplicaInfo first = config.replica(0);
        if (web != null && first.webPort() > 0) {
            System.out.printf("Open %s://%s:%d/ in a browser (every replica serves the page: ports %s).%n",
                    https ? "https" : "http", first.host(), first.webPort(),
                    config.replicas().stream().map(r -> Integer.toString(r.webPort())).toList());
            Path ca = directory.resolve(ClusterGenerator.CA_CERTIFICATE_FILE_NAME).toAbsolutePath();
            if (https) {
                System.out.println("  The page and its WebSockets use TLS with certificates of this demo's CA. Trust it first:");
                System.out.println("    Chromium/Chrome: certutil -d sql:$HOME/.pki/nssdb -A -t C,, -n bastion-demo -i " + ca);
                System.out.println("    Firefox: Settings > Privacy & Security > Certificates > View Certificates >"
                        + " Authorities > Import " + ca);
                System.out.println("    (remove it again when done: whoever holds " + directory.resolve(
                        ClusterGenerator.CA_KEY_FILE_NAME) + " can make certificates your browser trusts)");
            } else {
                System.out.println("  The page is plain HTTP on 127.0.0.1 (--insecure-plaintext web): a browser treats this"
                        + " address as secure, and nothing leaves the machine. Replicas and clients talk TLS;"
                        + " --https serves the page over TLS too.");
            }
            if (service.equals("evoting")) {
                System.out.println("  Demo accounts: alice, bob, carol, dave (secret <name>-demo, e.g. alice-demo) vote;"
                        + " admin (secret admin-demo) closes the election.");
            }
            if (lyingReplica != null) {
                System.out.println("  Replica " + lyingReplica + " lies to readers (test fault): the page flags it.");
            }
            System.out.println();
        }
        System.out.println("In another terminal (metrics: curl --cacert " + directory.resolve(
                ClusterGenerator.CA_CERTIFICATE_FILE_NAME) + " https://" + config.replica(0).host() + ":" + metricsBase
                + "/metrics):");
        if (service.equals("evoting")) {
            System.out.println("  ./bastion client --config " + clusterFile
                    + " --join '{\"voter\":\"alice\",\"secret\":\"alice-demo\"}' '{\"op\":\"listElections\"}'");
        } else {
            System.out.println("  ./bastion client --config " + clusterFile + " --id " + client + " put greeting hello");
            System.out.println("  ./bastion client --config " + clusterFile + " --id " + client + " get greeting");
            System.out.println("  ./bastion client --config " + clusterFile + " --join alice get greeting"
                    + "   # a client not in the cluster file: joins, asks, leaves");
        }
        System.out.println("  kill -9 " + cluster.process(config.n() - 1).pid()
                + "      # a replica dies; clients keep getting answers from the others");
        System.out.println("  kill -9 " + cluster.process(0).pid()
                + "      # the primary dies; after the request timeout the others elect replica 1");
        System.out.println("  ./bastion trace " + directory + " --type view-change,new-view   # what happened, in order");
        System.out.println();
        System.out.println("Ctrl-C stops every replica.");
    }

    /** Reports replicas that exit; keeps running until interrupted. */
    private static void watch(LocalCluster cluster, ClusterConfig config) throws InterruptedException {
        boolean[] reported = new boolean[config.n()];
        while (true) {
            for (int id = 0; id < config.n(); id++) {
                if (!reported[id] && !cluster.isAlive(id)) {
                    reported[id] = true;
                    System.out.println("replica " + id + " exited (code " + cluster.process(id).exitValue()
                            + "); the others carry on while at most f = " + config.f() + " are down");
                }
            }
            Thread.sleep(500);
        }
    }

    private static void refuseBusyPorts(ClusterConfig config) {
        for (ReplicaInfo r : config.replicas()) {
            for (int port : new int[] {r.replicaPort(), r.clientPort(), r.webPort()}) {
                if (port == 0) {
                    continue;
                }
                try (ServerSocket probe = new ServerSocket()) {
                    probe.bind(new InetSocketAddress(r.host(), port));
                } catch (IOException e) {
                    throw new IllegalStateException("port " + port + " on " + r.host()
                            + " is in use (another demo running?); stop it, or use another --dir with --base-port");
                }
            }
        }
    }
}
