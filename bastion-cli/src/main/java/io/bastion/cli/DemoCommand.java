package io.bastion.cli;

import io.bastion.core.config.ClusterConfig;
import io.bastion.core.config.ReplicaInfo;
import io.bastion.net.config.ClusterFile;
import io.bastion.net.config.ClusterGenerator;
import io.bastion.net.config.InvalidClusterFileException;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code bastion demo}: a local cluster of replica processes, stopped together with Ctrl-C. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Starts a local cluster: keys and a cluster file in --dir (made on first use,",
                "reused after, with its data; --fresh starts over), and one replica process per",
                "replica on 127.0.0.1, by default running the e-voting service, each serving",
                "its web page. Prints the address to open and the demo voters' enrollment codes, then reports",
                "replicas that exit and what that means for voting; typing \"restart\" starts",
                "them again. Ctrl-C stops every replica."})
final class DemoCommand implements Callable<Integer> {
    /** Replicas of a new demo cluster when --replicas is not given. */
    static final int DEFAULT_REPLICAS = 4;
    /** First port of a new demo cluster when --base-port is not given. */
    static final int DEFAULT_BASE_PORT = 7000;

    @Option(names = "--dir", defaultValue = "demo-cluster", description = "Where keys, cluster file and logs live (default: ${DEFAULT-VALUE}).")
    Path directory;

    @Option(names = "--replicas", paramLabel = "N",
            description = "Replicas of a new cluster (default: " + DEFAULT_REPLICAS + "). An earlier run's cluster in"
                    + " --dir keeps its own; asking for another number there is refused (add --fresh).")
    Integer replicas;

    @Option(names = "--base-port", paramLabel = "PORT",
            description = "First port of a new cluster (default: " + DEFAULT_BASE_PORT + "); like --replicas, only"
                    + " for a new one.")
    Integer basePort;

    @Option(names = "--fresh",
            description = "Remove --dir first (keys, cluster file, replicated data and logs of earlier runs) and"
                    + " start a new cluster. Without it, an earlier run's cluster is reused, elections and votes"
                    + " included.")
    boolean fresh;

    @Option(names = "--service", defaultValue = "evoting",
            description = "evoting, kv, counter, null, sql-insert or threshold (default: ${DEFAULT-VALUE}).")
    String service;

    @Option(names = "--web-root", paramLabel = "DIR",
            description = "The web page every replica serves (default: bastion-js next to this build, if present).")
    Path webRoot;

    @Option(names = "--https",
            description = "Serve the page over HTTPS and WSS with certificates of the demo's own CA (--dir/ca.crt),"
                    + " which the browser must trust first (printed). Default: the page over plain HTTP on"
                    + " 127.0.0.1, which browsers treat as a secure context; every other port speaks TLS either way.")
    boolean https;

    @Option(names = "--replica-jvm", split = " ", paramLabel = "OPTIONS", defaultValue = "-Xmx512m -XX:+UseSerialGC",
            description = "JVM options of each replica, one string (default: ${DEFAULT-VALUE}).")
    List<String> replicaJvm;

    @Option(names = "--lying-replica", paramLabel = "ID", hidden = true,
            description = "Test only: this replica signs wrong answers to reads (--test-fault wrong-reads).")
    Integer lyingReplica;

    @Option(names = "--faulty-replica", paramLabel = "ID:FAULT", hidden = true,
            description = "Test only: replica ID runs with --test-fault FAULT, e.g. 3:threshold-bad-shares (its"
                    + " decryption shares fail their proofs).")
    String faultyReplica;

    @Override
    public Integer call() throws Exception {
        Services.parse(service);
        Path clusterFile = prepareDirectory();
        ClusterFile.Contents contents = withMetricsPorts(ClusterFile.loadContents(clusterFile), clusterFile);
        ClusterConfig config = contents.config();
        refuseBusyPorts(contents);
        Path web = webRoot != null ? webRoot : defaultWebRoot();
        if (lyingReplica != null && (lyingReplica < 0 || lyingReplica >= config.n())) {
            throw new IllegalArgumentException("--lying-replica must be 0.." + (config.n() - 1));
        }
        TestFault fault = TestFault.parse(faultyReplica, config.n());
        if (fault != null && lyingReplica != null && fault.replica() == lyingReplica) {
            throw new IllegalArgumentException("--faulty-replica and --lying-replica name the same replica: a replica"
                    + " takes one test fault");
        }
        LocalCluster cluster = new LocalCluster(config, clusterFile, directory,
                LocalCluster.Launcher.current(Bastion.class.getName(), replicaJvm),
                id -> replicaArguments(id, config, web, fault));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            cluster.close();
            System.out.println("\nstopped every replica");
        }, "bastion-demo-stop"));
        cluster.startAll();
        cluster.awaitReady(Duration.ofSeconds(60));
        boolean typing = DemoWatch.standardInputReadable();
        printWelcome(contents, clusterFile, cluster, web, typing);
        new DemoWatch(cluster, config.quorums(), System.out).run(System.in, typing);
        return 0;
    }

    /** Makes, reuses or (--fresh) replaces the cluster in --dir, saying which; returns its cluster file. */
    private Path prepareDirectory() throws IOException, InvalidClusterFileException {
        Path clusterFile = directory.resolve(ClusterGenerator.CLUSTER_FILE_NAME);
        ClusterConfig existing = null;
        if (Files.exists(clusterFile)) {
            try {
                existing = ClusterFile.load(clusterFile);
                if (!fresh && !Files.exists(directory.resolve(ClusterGenerator.CA_CERTIFICATE_FILE_NAME))) {
                    throw new DemoDirectory.Refused(directory + " was made by a Bastion without TLS (it has no "
                            + ClusterGenerator.CA_CERTIFICATE_FILE_NAME + "): start afresh with --fresh (removes it)");
                }
            } catch (InvalidClusterFileException e) {
                if (!fresh) {
                    throw new DemoDirectory.Refused("cannot reuse " + directory + ": " + e.getMessage()
                            + "; start afresh with --fresh (removes it)");
                }
                System.out.println("--fresh: removing " + directory + " (its cluster file cannot be read)");
                DemoDirectory.wipe(directory);
            }
        }
        String existingService = existing == null ? null : DemoDirectory.recordedService(directory);
        DemoDirectory.Plan plan = DemoDirectory.plan(directory, existing, replicas, basePort, existingService, service,
                fresh);
        System.out.println(plan.message());
        if (plan.action() == DemoDirectory.Action.REUSE) {
            DemoDirectory.recordService(directory, service);
            return clusterFile;
        }
        if (plan.action() == DemoDirectory.Action.WIPE_AND_CREATE) {
            refuseBusyPorts(new ClusterFile.Contents(existing, null)); // a demo running from it keeps its directory
            DemoDirectory.wipe(directory);
        }
        int n = replicas != null ? replicas : DEFAULT_REPLICAS;
        int base = basePort != null ? basePort : DEFAULT_BASE_PORT;
        ClusterGenerator.Generated generated = ClusterGenerator.generate(directory, n, 8, base, new SecureRandom());
        List<Integer> metrics = new ArrayList<>();
        for (int id = 0; id < n; id++) {
            metrics.add(DemoDirectory.metricsBase(base, n) + id);
        }
        ClusterFile.write(ClusterFile.loadContents(generated.clusterFile()).withMetricsPorts(metrics), clusterFile);
        DemoDirectory.recordService(directory, service);
        System.out.println("created keys, certificates and " + clusterFile);
        return clusterFile;
    }

    /**
     * Gives the replicas of a cluster file from an earlier demo metrics ports (after the cluster's
     * other ports) when it has none, so that every replica serves metrics and bastion status finds them.
     */
    private static ClusterFile.Contents withMetricsPorts(ClusterFile.Contents contents, Path clusterFile)
            throws IOException {
        if (contents.metricsPorts().stream().allMatch(port -> port != 0)) {
            return contents;
        }
        ClusterConfig config = contents.config();
        int highest = config.replicas().stream()
                .mapToInt(r -> Math.max(r.replicaPort(), Math.max(r.clientPort(), r.webPort()))).max().orElseThrow();
        List<Integer> metrics = new ArrayList<>();
        for (int id = 0; id < config.n(); id++) {
            metrics.add(contents.metricsPort(id) != 0 ? contents.metricsPort(id) : highest + 1 + id);
        }
        ClusterFile.Contents updated = contents.withMetricsPorts(metrics);
        ClusterFile.write(updated, clusterFile);
        System.out.println("gave the replicas in " + clusterFile + " metrics ports " + metrics);
        return updated;
    }

    /** A replica given a test fault by --faulty-replica: its id, and the --test-fault it runs with. */
    record TestFault(int replica, String fault) {
        /** "ID:FAULT", checked against the cluster's n; null for none. */
        static TestFault parse(String text, int n) {
            if (text == null) {
                return null;
            }
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,4}):([a-z-]+)").matcher(text);
            if (!m.matches() || Integer.parseInt(m.group(1)) >= n) {
                throw new IllegalArgumentException("--faulty-replica must be ID:FAULT with ID 0.." + (n - 1)
                        + " and FAULT one of bastion replica's --test-fault values, not " + text);
            }
            return new TestFault(Integer.parseInt(m.group(1)), m.group(2));
        }
    }

    private List<String> replicaArguments(int id, ClusterConfig config, Path web, TestFault fault) {
        // the metrics port comes from the cluster file
        List<String> arguments = new ArrayList<>(List.of("--service", service,
                "--trace", directory.resolve("trace-" + id + ".jsonl").toString()));
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
        if (fault != null && fault.replica() == id) {
            arguments.addAll(List.of("--test-fault", fault.fault()));
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

    private void printWelcome(ClusterFile.Contents contents, Path clusterFile, LocalCluster cluster, Path web,
                              boolean typing) {
        ClusterConfig config = contents.config();
        int metricsBase = contents.metricsPort(0);
        System.out.println();
        System.out.printf("Bastion demo: %d replicas (f = %d) are running the %s service on 127.0.0.1.%n",
                config.n(), config.f(), service);
        for (int id = 0; id < config.n(); id++) {
            ReplicaInfo r = config.replica(id);
            System.out.printf("  replica %d  pid %-7d clients -> %s:%d   metrics https://%s:%d/metrics   log %s%n", id,
                    cluster.process(id).pid(), r.host(), r.clientPort(), r.host(), contents.metricsPort(id),
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

            if (lyingReplica != null) {
                System.out.println("  Replica " + lyingReplica + " lies to readers (test fault): the page flags it.");
            }
            if (faultyReplica != null) {
                System.out.println("  Replica " + faultyReplica.replace(":", " runs with test fault ") + ".");
            }
            System.out.println();
        }
        if (service.equals("evoting")) {
            printEnrollmentCodes();
        }
        System.out.println("In another terminal:");
        if (service.equals("evoting")) {
            String voterClient = "  ./bastion client --config " + clusterFile + " --voter alice --credential "
                    + directory.resolve("alice.key");
            System.out.println(voterClient + " \\\n      --enroll " + io.bastion.evoting.DemoData.VOTERS.get(0).code()
                    + " '{\"op\":\"listElections\"}'");
            System.out.println("      # enrolls alice (a new credential in that file), sends one operation (JSON,"
                    + " docs/evoting.md), leaves");
            System.out.println(voterClient + " \\\n      '{\"op\":\"castBallot\",\"electionId\":1,\"choices\":[\"Lisbon\"]}'"
                    + "   # encrypted here, under the election's threshold key");
            System.out.println("      # --service kv runs the key-value service instead");
        } else if (service.equals("threshold")) {
            String t = "  ./bastion threshold --config " + clusterFile + " --id " + client;
            System.out.println(t + " keygen election        # a key no f replicas hold");
            System.out.println(t + " decrypt election --value 42   # encrypted here, decrypted by f+1 replicas");
            System.out.println(t + " coin election round-1  # randomness nobody can bias");
            System.out.println(t + " keygen cert --suite ed25519 && \\\n" + t + " sign cert hello   # one Ed25519 signature"
                    + " by the cluster (docs/threshold.md)");
        } else {
            System.out.println("  ./bastion client --config " + clusterFile + " --id " + client + " put greeting hello");
            System.out.println("  ./bastion client --config " + clusterFile + " --id " + client + " get greeting");
            System.out.println("  ./bastion client --config " + clusterFile + " --join alice get greeting"
                    + "   # a client not in the cluster file: joins, asks, leaves");
        }
        System.out.println("  ./bastion status --config " + clusterFile
                + "   # every replica's view, progress and certificate");
        System.out.println("  curl --cacert " + directory.resolve(ClusterGenerator.CA_CERTIFICATE_FILE_NAME)
                + " https://" + config.replica(0).host() + ":" + metricsBase + "/metrics   # replica 0's metrics");
        int f = config.f();
        System.out.println("  kill -9 " + cluster.process(config.n() - 1).pid()
                + "      # a replica dies; with at most f = " + f + " down the others carry on");
        System.out.println("  kill -9 " + cluster.process(0).pid()
                + "      # the primary dies; after the request timeout the others elect replica 1");
        StringBuilder pids = new StringBuilder();
        for (int id = config.n() - f - 1; id < config.n(); id++) {
            pids.append(' ').append(cluster.process(id).pid());
        }
        System.out.println("  kill -9" + pids + "      # f+1 = " + (f + 1) + " die: fewer than "
                + config.quorums().certificate() + " (2f+1) run, and voting stops until one is back");
        System.out.println("  ./bastion trace " + directory + " --type view-change,new-view   # what happened, in order");
        System.out.println();
        System.out.println(typing ? "Here: type \"restart\" and Enter to start stopped replicas again; Ctrl-C stops every"
                + " replica." : "Ctrl-C stops every replica.");
    }

    /** The demo voters' one-time enrollment codes: public, as the whole demo is. */
    private static void printEnrollmentCodes() {
        System.out.println("Demo enrollment codes (each enrolls one credential, once; public: never for a real vote):");
        for (io.bastion.evoting.DemoData.Account account : io.bastion.evoting.DemoData.accounts()) {
            System.out.printf("  %-6s %s%s%n", account.voter(), account.code(),
                    account.voter().equals("admin") ? "   (closes the election)" : "");
        }
        System.out.println();
    }

    private static void refuseBusyPorts(ClusterFile.Contents contents) {
        for (ReplicaInfo r : contents.config().replicas()) {
            for (int port : new int[] {r.replicaPort(), r.clientPort(), r.webPort(), contents.metricsPort(r.id())}) {
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
