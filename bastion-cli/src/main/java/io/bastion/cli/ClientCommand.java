package io.bastion.cli;

import io.bastion.client.BastionClient;
import io.bastion.client.BastionException;
import io.bastion.client.ClientOptions;
import io.bastion.client.Clients;
import io.bastion.client.Result;
import io.bastion.core.config.ClusterConfig;
import io.bastion.crypto.KeyFiles;
import io.bastion.net.config.ClusterFile;
import io.bastion.net.tls.ClientSecurity;
import io.bastion.net.tls.TlsEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import io.bastion.client.Session;
import io.bastion.crypto.Ed25519SigningKey;
import io.bastion.crypto.SigningKey;
import java.security.SecureRandom;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code bastion client}: send operations to a cluster and print replies and latency. */
@Command(name = "client", mixinStandardHelpOptions = true,
        description = {"Sends an operation (the words after the options, as UTF-8 text) to every",
                "replica and prints the reply f+1 replicas signed, who signed it and how long",
                "it took. Without an operation it reads one operation per line from standard",
                "input, all in one session. What an operation says depends on the service:",
                "",
                "e-voting (bastion demo): JSON, after signing in as a voter with --join:",
                "  --join '{\"voter\":\"alice\",\"secret\":\"alice-demo\"}' '{\"op\":\"listElections\"}'",
                "  '{\"op\":\"castBallot\",\"electionId\":1,\"option\":\"Lisbon\"}'",
                "  (accounts alice, bob, carol, dave, admin; every op in docs/evoting.md)",
                "key-value (bastion demo --service kv; bastion replica's default service):",
                "  put <key> <value>, get <key>, del <key>, size; as --id 1 (a client of the",
                "  cluster file) or --join <any name>",
                "counter: any operation adds one and answers the count.",
                ""})
final class ClientCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "The cluster file (TOML).")
    Path config;

    @Option(names = "--id", description = "This client's id (a [[client]] in the cluster file).")
    Long id;

    @Option(names = "--join", paramLabel = "CREDENTIALS",
            description = "Instead of --id: join as a dynamic client with these credentials, which the service"
                    + " checks (e-voting: JSON {\"voter\":\"alice\",\"secret\":\"alice-demo\"}; kv, counter and null:"
                    + " any name), with --key or a fresh Ed25519 key, send the operations in that one session, and"
                    + " leave at the end.")
    String join;

    @Option(names = "--key", description = "Its private key (PEM). Default: client-<id>.key next to the cluster file;"
            + " with --join, a fresh key.")
    Path key;

    @Option(names = "--repeat", defaultValue = "1", description = "Send the operation this many times (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--timeout", defaultValue = "PT10S",
            description = "Give up on a request after this long, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--insecure-plaintext",
            description = "Talk to replicas over plain TCP, for a cluster whose client ports run --insecure-plaintext:"
                    + " anyone on the path reads the operations. Default: TLS, each replica checked against the"
                    + " cluster file.")
    boolean insecurePlaintext;

    @Option(names = "--tls-engine", defaultValue = "jdk", description = "jdk or openssl (default: ${DEFAULT-VALUE}).")
    String tlsEngine;

    @Parameters(description = "The operation, e.g. put greeting hello")
    List<String> operation;

    @Override
    public Integer call() throws Exception {
        ClusterFile.Contents contents = ClusterFile.loadContents(config);
        ClusterConfig cluster = contents.config();
        ClientSecurity security;
        if (insecurePlaintext) {
            System.err.println("WARN: --insecure-plaintext: operations and replies cross the network unencrypted");
            security = ClientSecurity.PLAINTEXT;
        } else {
            security = ClientSecurity.tls(cluster, contents.authorities(), TlsEngine.parse(tlsEngine));
        }
        if ((id == null) == (join == null)) {
            throw new IllegalArgumentException("give either --id (a client in the cluster file) or --join CREDENTIALS");
        }
        if (id != null && cluster.clients().stream().noneMatch(c -> c.id() == id)) {
            throw new IllegalArgumentException("--id " + id + ": no [[client]] with that id in " + config);
        }
        try (BastionClient client = connect(cluster, security)) {
            if (join != null) {
                Session session = client.join(join.getBytes(StandardCharsets.UTF_8));
                System.out.printf("joined as %s, client id %d%n", session.identity(), session.clientId());
            }
            try {
                return runAll(client);
            } finally {
                if (join != null) {
                    client.leave();
                }
            }
        }
    }

    private BastionClient connect(ClusterConfig cluster, ClientSecurity security) throws Exception {
        ClientOptions options = ClientOptions.defaults().withRequestTimeout(timeout);
        if (join != null) {
            SigningKey signingKey = key != null ? KeyFiles.readPrivateKey(key)
                    : Ed25519SigningKey.generate(new SecureRandom());
            return Clients.connectDynamic(cluster, security, signingKey, signingKey.publicKey(), options);
        }
        Path keyFile = key != null ? key : config.resolveSibling("client-" + id + ".key");
        return Clients.connect(cluster, security, id, KeyFiles.readPrivateKey(keyFile), options);
    }

    private int runAll(BastionClient client) throws Exception {
        if (operation != null && !operation.isEmpty()) {
            return run(client, String.join(" ", operation));
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        int failures = 0;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (!line.isBlank()) {
                failures += run(client, line.strip());
            }
        }
        return failures == 0 ? 0 : 1;
    }

    /** The e-voting service refuses text that is not JSON: say what it wants instead of leaving it at that. */
    private void hint(String op, String reply) {
        if (!op.stripLeading().startsWith("{") && reply.contains("malformed request")) {
            System.err.println("hint: this cluster runs a service whose operations are JSON (the e-voting service of"
                    + " bastion demo: sign in with --join '{\"voter\":\"alice\",\"secret\":\"alice-demo\"}' and send"
                    + " e.g. '{\"op\":\"listElections\"}'; see bastion client --help). put/get/del are the key-value"
                    + " service's: bastion demo --service kv --dir demo-kv");
        }
    }

    private int run(BastionClient client, String op) {
        int failures = 0;
        long totalNanos = 0;
        for (int i = 0; i < repeat; i++) {
            try {
                Result r = client.invokeForResult(op.getBytes(StandardCharsets.UTF_8));
                totalNanos += r.latencyNanos();
                if (repeat == 1 || i == repeat - 1) {
                    String reply = new String(r.value(), StandardCharsets.UTF_8);
                    System.out.printf("%s    (signed by replicas %s%s, %.1f ms)%n", reply, r.agreeing(),
                            r.dissenting().isEmpty() ? "" : "; replicas " + r.dissenting() + " signed something else",
                            r.latencyNanos() / 1e6);
                    hint(op, reply);
                }
            } catch (BastionException e) {
                System.out.println("error: " + e.getMessage());
                failures++;
            }
        }
        if (repeat > 1) {
            System.out.printf("%d requests, %d failed, mean latency %.2f ms%n", repeat, failures,
                    totalNanos / 1e6 / Math.max(1, repeat - failures));
        }
        return failures == 0 ? 0 : 1;
    }
}
