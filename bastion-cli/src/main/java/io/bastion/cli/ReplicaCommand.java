package io.bastion.cli;

import io.bastion.threshold.FaultyThresholdAgent;
import io.bastion.threshold.FileShareStore;
import io.bastion.threshold.ThresholdAgent;
import io.bastion.threshold.ThresholdHost;
import io.bastion.threshold.ThresholdLedger;
import io.bastion.threshold.ThresholdService;

import io.bastion.core.session.SessionRequests;
import io.bastion.crypto.StandardSignatureVerifier;
import io.bastion.core.config.ClusterConfig;
import io.bastion.crypto.KeyFiles;
import io.bastion.crypto.SigningKey;
import io.bastion.net.NetSettings;
import io.bastion.net.endpoint.ClientLimits;
import io.bastion.net.config.ClusterFile;
import io.bastion.net.config.ClusterGenerator;
import io.bastion.net.tls.TlsEngine;
import io.bastion.server.ReplicaNode;
import io.bastion.server.ReplicaTls;
import io.bastion.server.runtime.ReplicaRuntime;
import io.bastion.server.runtime.ReplicaStorage;
import io.bastion.server.storage.SyncMode;
import io.bastion.core.execution.StateMachine;
import io.bastion.sql.SqlDatabase;
import io.bastion.sql.SqlStateMachine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code bastion replica}: run one replica until stopped. */
@Command(name = "replica", mixinStandardHelpOptions = true,
        description = {"Runs replica --id of the cluster in --config until it is stopped (SIGTERM or Ctrl-C)."})
final class ReplicaCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "The cluster file (TOML).")
    Path config;

    @Option(names = "--id", required = true, description = "This replica's id in the cluster file.")
    int id;

    @Option(names = "--key", description = "Its private key (PEM). Default: replica-<id>.key next to the cluster file.")
    Path key;

    @Option(names = "--data", description = "Its data directory. Default: data/<id>.")
    Path data;

    @Option(names = "--service", defaultValue = "kv",
            description = "Built-in service to replicate: kv, counter, null (in memory), sql-insert (SQLite), evoting,"
                    + " or threshold (kv with the cluster's threshold keys, decryption, coin and signatures;"
                    + " docs/threshold.md)"
                    + " (default: ${DEFAULT-VALUE}).")
    String service;

    @Option(names = "--sql-service", paramLabel = "CLASS",
            description = "Replicate this application instead of a built-in service: a class implementing"
                    + " io.bastion.sql.SqlService with a public no-argument constructor; its database lives in"
                    + " <data>/sql. See docs/sql.md.")
    String sqlService;

    @Option(names = "--service-jar", paramLabel = "JAR", description = "A jar holding the --sql-service class and"
            + " what it needs (repeatable).")
    List<Path> serviceJars = new ArrayList<>();

    @Option(names = "--test-fault", paramLabel = "FAULT", hidden = true,
            description = "Test only: wrong-reads makes this replica sign wrong answers to unordered reads;"
                    + " threshold-withhold, threshold-bad-dealing, threshold-false-complaint and threshold-bad-shares"
                    + " make its threshold agent faulty so.")
    String testFault;

    @Option(names = "--sql-mode", defaultValue = "acid",
            description = "acid (durable commits, the default) or no-acid: SQLite synchronous=OFF, NOT crash-safe,"
                    + " for measuring only.")
    String sqlMode;

    @Option(names = "--sync", defaultValue = "fsync",
            description = "fsync (durable, the default) or none: NOT crash-safe, only for measuring what durability costs.")
    String sync;

    @Option(names = "--trace", description = "Write a message trace (JSON lines) to this file; see bastion trace.")
    Path trace;

    @Option(names = "--metrics-port",
            description = "Serve Prometheus metrics on https://<listen host>:<port>/metrics; 0 for none. Default: the"
                    + " replica's metricsPort in the cluster file, else none.")
    Integer metricsPortOption;

    /** The metrics port chosen: --metrics-port, else the cluster file's, else 0. */
    private int metricsPort;

    @Option(names = "--listen", description = "Address the client port binds to. Default: the host in the cluster file.")
    String listen;

    @Option(names = "--web-root", paramLabel = "DIR",
            description = "Serve the files of DIR on the replica's webPort (next to /cluster.json and the WebSocket"
                    + " at /ws). Default: no files.")
    Path webRoot;

    @Option(names = "--web-cert", paramLabel = "FILE",
            description = "The PEM certificate chain (leaf first) the web and metrics ports present: from bastion"
                    + " keygen, or a publicly trusted one (ACME). Replaced files are served to new connections"
                    + " within a second. Default: replica-<id>-web.crt next to the cluster file.")
    Path webCert;

    @Option(names = "--web-key", paramLabel = "FILE",
            description = "The private key (PEM) of --web-cert. Default: replica-<id>-web.key next to the cluster file.")
    Path webKey;

    @Option(names = "--insecure-plaintext", arity = "0..1", fallbackValue = "all", paramLabel = "PORTS",
            description = "INSECURE, for local experiments: speak plain TCP instead of TLS on all ports, or on the"
                    + " ones listed (replica,client,web,metrics). Said with a WARN line at every start.")
    String insecurePlaintext;

    @Option(names = "--tls-engine", defaultValue = "auto",
            description = "TLS implementation: openssl (BoringSSL via netty-tcnative, linux-x86_64), jdk, or auto:"
                    + " openssl where its native library loads, else jdk (default: ${DEFAULT-VALUE}).")
    String tlsEngine;

    @Option(names = "--verifier-threads", description = "Threads checking signatures; 0 checks them on the network threads (default: one per core).")
    Integer verifierThreads;

    @Option(names = "--hello-rate", paramLabel = "N",
            description = "Hellos and Joins a client connection may send per second (bursts of 2N; 10N Hellos per"
                    + " source address). Default: ${DEFAULT-VALUE}.")
    long helloRate = ClientLimits.DEFAULT_HELLOS_PER_CONNECTION_PER_SECOND;

    @Override
    public Integer call() throws Exception {
        ClusterFile.Contents contents = ClusterFile.loadContents(config);
        ClusterConfig cluster = contents.config();
        if (id < 0 || id >= cluster.n()) {
            throw new IllegalArgumentException("--id " + id + ": the cluster file lists replicas 0.." + (cluster.n() - 1));
        }
        metricsPort = metricsPortOption != null ? metricsPortOption : contents.metricsPort(id);
        Path keyFile = key != null ? key : config.resolveSibling("replica-" + id + ".key");
        SigningKey signingKey = KeyFiles.readPrivateKey(keyFile);
        if (!signingKey.publicKey().equals(cluster.replica(id).publicKey())) {
            throw new IllegalArgumentException(keyFile + " is not the key of replica " + id + " in " + config);
        }
        Path dataDirectory = data != null ? data : Path.of("data", Integer.toString(id));
        Files.createDirectories(dataDirectory);
        SyncMode syncMode = switch (sync) {
            case "fsync" -> SyncMode.FSYNC;
            case "none" -> SyncMode.NONE;
            default -> throw new IllegalArgumentException("--sync " + sync + ": choose fsync or none");
        };
        Services chosen = Services.parse(service);
        if (!serviceJars.isEmpty() && sqlService == null) {
            throw new IllegalArgumentException("--service-jar needs --sql-service CLASS");
        }
        SqlDatabase.Mode mode = switch (sqlMode) {
            case "acid" -> SqlDatabase.Mode.DURABLE;
            case "no-acid" -> SqlDatabase.Mode.NO_ACID;
            default -> throw new IllegalArgumentException("--sql-mode " + sqlMode + ": choose acid or no-acid");
        };
        ReplicaRuntime.Settings settings = ReplicaRuntime.Settings.defaults();
        if (verifierThreads != null) {
            if (verifierThreads < 0) {
                throw new IllegalArgumentException("--verifier-threads must be at least 0");
            }
            settings = settings.withVerifierThreads(verifierThreads);
        }
        if (helloRate < 1 || helloRate > 1_000_000) {
            throw new IllegalArgumentException("--hello-rate must be in 1..1000000, got " + helloRate);
        }
        if (metricsPort < 0 || metricsPort > 65535) {
            throw new IllegalArgumentException("--metrics-port must be in 0..65535, got " + metricsPort);
        }
        if (webRoot != null && !Files.isDirectory(webRoot)) {
            throw new IllegalArgumentException("--web-root " + webRoot + " is not a directory");
        }
        if (webRoot != null && cluster.replica(id).webPort() == 0) {
            throw new IllegalArgumentException("--web-root needs a webPort for replica " + id + " in " + config);
        }
        ReplicaTls tls = tls(cluster.replica(id).webPort() != 0, metricsPort != 0);
        ReplicaRuntime.LocalRequests localRequests = ReplicaRuntime.LocalRequests.NONE;
        StateMachine state;
        if (thresholdFault() != null && chosen != Services.THRESHOLD && chosen != Services.EVOTING
                && sqlService == null) {
            throw new IllegalArgumentException("--test-fault " + testFault + " needs --service threshold or evoting,"
                    + " or a --sql-service that uses threshold cryptography");
        }
        if (sqlService == null && chosen == Services.THRESHOLD) {
            ThresholdService threshold = Services.thresholdService(cluster);
            state = new io.bastion.core.execution.ExecutionEngine(id, signingKey, threshold,
                    cluster.settings().stateChunkBytes(), SessionRequests.of(cluster, new StandardSignatureVerifier()));
            localRequests = thresholdAgent(id, cluster, signingKey, dataDirectory, threshold::ledger, thresholdFault());
        } else if (sqlService != null || chosen == Services.EVOTING) {
            SqlStateMachine.requireChunkBytes(cluster.settings().stateChunkBytes());
            io.bastion.sql.SqlService loaded = sqlService != null ? ServiceClass.load(sqlService, serviceJars)
                    : io.bastion.evoting.EvotingService.withDemoData();
            io.bastion.sql.SqlService served = sqlService != null ? loaded : Services.faulty(loaded, lyingReads());
            io.bastion.sql.SqlService replicated = served;
            if (loaded instanceof io.bastion.threshold.UsesThreshold user) {
                // the service's threshold requests go to the ledger; its replica's agent contributes
                io.bastion.threshold.ThresholdSqlService wrapped = new io.bastion.threshold.ThresholdSqlService(
                        cluster.n(), cluster.f(), io.bastion.threshold.ThresholdAccess.SERVICE_ONLY, threshold -> {
                            user.useThreshold(threshold);
                            return served;
                        });
                replicated = wrapped;
                localRequests = thresholdAgent(id, cluster, signingKey, dataDirectory, wrapped::ledger, thresholdFault());
            } else if (thresholdFault() != null) {
                throw new IllegalArgumentException("--test-fault " + testFault + ": " + sqlService
                        + " does not use threshold cryptography");
            }
            state = new SqlStateMachine(id, signingKey, replicated, dataDirectory.resolve(Services.SQL_DIRECTORY), mode,
                    cluster.settings().checkpointInterval(), SessionRequests.of(cluster, new StandardSignatureVerifier()));
        } else {
            state = chosen.create(id, signingKey, cluster, dataDirectory, mode, lyingReads());
        }
        String label = sqlService != null ? sqlService : chosen.label();
        ReplicaNode node = ReplicaNode.start(cluster, id, signingKey, state, new ReplicaNode.Options(listen,
                NetSettings.DEFAULTS, settings, ReplicaStorage.open(dataDirectory, syncMode), trace, metricsPort)
                .withClientLimits(ClientLimits.perConnection(helloRate)).withWebRoot(webRoot).withTls(tls)
                .withLocalRequests(localRequests));
        reloadWebCertificateOnHangup(tls);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }, "bastion-shutdown"));
        var self = cluster.replica(id);
        System.out.printf("replica %d of %d (f = %d) running the %s service; replicas on %s:%d, clients on %s:%d%s%s%n",
                id, cluster.n(), cluster.f(), label, self.host(), self.replicaPort(),
                listen != null ? listen : self.host(), self.clientPort(),
                self.webPort() == 0 ? "" : ", web on " + (node.web().isTls() ? "https://" : "http://")
                        + (listen != null ? listen : self.host()) + ":" + self.webPort() + "/",
                node.metricsPort() == 0 ? "" : ", metrics on port " + node.metricsPort());
        if (tls.plaintext().size() < ReplicaTls.Port.values().length) {
            System.out.println("replica " + id + ": TLS 1.3 by the " + tls.engine().name().toLowerCase(Locale.ROOT)
                    + " engine (--tls-engine " + tlsEngine + ")");
        }
        if (!tls.plaintext().isEmpty()) {
            System.out.println("WARNING: INSECURE: plaintext on the " + tls.plaintextNames() + " port(s)"
                    + " (--insecure-plaintext); for local experiments only");
        }
        while (!stopped.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
            if (node.runtime().failure() != null) {
                System.err.println("replica " + id + " stopped: " + node.runtime().failure());
                return 2;
            }
        }
        return 0;
    }


    /**
     * SIGHUP makes the replica read its web certificate files again at once (they are also
     * re-read within a second of changing), instead of the JVM's default of stopping; without a
     * web certificate it is ignored. The signal API is the JDK's unsupported one: there is no
     * other way to handle a signal in Java.
     */
    @SuppressWarnings("sunapi")
    private void reloadWebCertificateOnHangup(ReplicaTls tls) {
        try {
            sun.misc.SignalHandler previous = sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> {
                if (tls.webCertificate() instanceof io.bastion.net.tls.WatchedCertificate watched) {
                    boolean served = watched.reload();
                    System.out.println("replica " + id + ": SIGHUP: " + (served
                            ? "serving the web certificate read from " + watched.chainFile()
                            : "kept the web certificate; " + watched.chainFile() + " could not be used (logged)"));
                } else {
                    System.out.println("replica " + id + ": SIGHUP ignored: no web certificate to read again");
                }
            });
            if (previous == sun.misc.SignalHandler.SIG_IGN) {
                // ignored when this process started (nohup): the JVM keeps it ignored
                System.out.println("replica " + id + ": SIGHUP is not handled (ignored since the process started);"
                        + " certificate files are still read again when they change");
            }
        } catch (IllegalArgumentException notHandled) {
            // no SIGHUP on this platform
            System.out.println("replica " + id + ": SIGHUP is not handled (" + notHandled.getMessage()
                    + "); certificate files are still read again when they change");
        }
    }

    /** TLS on every port unless --insecure-plaintext names it; the web certificate when a port needs it. */
    private ReplicaTls tls(boolean hasWebPort, boolean hasMetricsPort) throws Exception {
        ReplicaTls tls = ReplicaTls.defaults().withEngine(TlsEngine.parse(tlsEngine).requireAvailable());
        if (insecurePlaintext != null) {
            tls = tls.withPlaintext(ReplicaTls.Port.parseList(insecurePlaintext));
        }
        boolean needsCertificate = (hasWebPort && !tls.isPlaintext(ReplicaTls.Port.WEB))
                || (hasMetricsPort && !tls.isPlaintext(ReplicaTls.Port.METRICS));
        if ((webCert == null) != (webKey == null)) {
            throw new IllegalArgumentException("give --web-cert and --web-key together");
        }
        if (!needsCertificate) {
            return tls;
        }
        Path chain = webCert != null ? webCert : config.resolveSibling(ClusterGenerator.webCertificateFileName(id));
        Path key = webKey != null ? webKey : config.resolveSibling(ClusterGenerator.webKeyFileName(id));
        if (webCert == null && !Files.exists(chain)) {
            throw new IllegalArgumentException("replica " + id + "'s web and metrics ports serve HTTPS, and there is no "
                    + chain + ": run bastion keygen --renew-web-certificates --dir " + config.toAbsolutePath().getParent()
                    + " (needs the cluster CA there), give --web-cert and --web-key, or --insecure-plaintext web,metrics");
        }
        return tls.withWebCertificateFiles(chain, key);
    }

    /** The threshold agent's test fault, or {@code null}. */
    private FaultyThresholdAgent.Fault thresholdFault() {
        if (testFault == null || !testFault.startsWith("threshold-")) {
            return null;
        }
        String name = testFault.substring("threshold-".length()).replace('-', '_').toUpperCase(java.util.Locale.ROOT);
        try {
            return FaultyThresholdAgent.Fault.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--test-fault " + testFault + ": threshold faults are threshold-withhold,"
                    + " threshold-bad-dealing, threshold-false-complaint, threshold-bad-shares");
        }
    }

    private boolean lyingReads() {
        if (testFault == null || thresholdFault() != null) {
            return false;
        }
        if (!testFault.equals("wrong-reads")) {
            throw new IllegalArgumentException("--test-fault " + testFault + ": the only fault is wrong-reads");
        }
        return true;
    }

    /** The directory of the replica's threshold secrets (share-box key and key shares), never replicated. */
    static final String THRESHOLD_DIRECTORY = "threshold";

    /** The replica's threshold agent, its secrets in {@code <data>/threshold}, as requests it submits itself. */
    private static ReplicaRuntime.LocalRequests thresholdAgent(int id, ClusterConfig cluster, SigningKey key, Path data,
                                                               java.util.function.Supplier<ThresholdLedger> ledger,
                                                               FaultyThresholdAgent.Fault fault) {
        FileShareStore store = new FileShareStore(data.resolve(THRESHOLD_DIRECTORY));
        var random = new java.security.SecureRandom();
        ThresholdAgent agent = fault == null ? new ThresholdAgent(id, store, random)
                : new FaultyThresholdAgent(id, store, random, fault, (id + 1) % cluster.n());
        ThresholdLedger empty = new ThresholdLedger(cluster.n(), cluster.f());
        ThresholdHost host = new ThresholdHost(agent, () -> ledger.get() != null ? ledger.get() : empty, key);
        return host::afterBatch;
    }
}
