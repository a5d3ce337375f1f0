package io.bastion.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.io.IOException;
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
                "e-voting (bastion demo): JSON, signed in as a voter with --voter and the",
                "  credential file you enrolled (--enroll CODE the first time, with the one-time",
                "  code the admin gave you; the demo prints its voters' codes):",
                "  --voter alice --credential alice.key --enroll ALIC-DEMO-DEMO-DEMO-DEMO",
                "      '{\"op\":\"listElections\"}'",
                "  --voter alice --credential alice.key",
                "      '{\"op\":\"castBallot\",\"electionId\":1,\"choices\":[\"Lisbon\"]}'",
                "  (\"choices\": the ballot is encrypted here; every op in docs/evoting.md)",
                "key-value (bastion demo --service kv; bastion replica's default service):",
                "  put <key> <value>, get <key>, del <key>, size; as --id 1 (a client of the",
                "  cluster file) or --join <any name>",
                "counter: any operation adds one and answers the count.",
                "",
                "Exit status: 0 when every operation was answered and none refused; 1 when one",
                "failed (no f+1 matching replies, a timeout) or the service refused it (the",
                "e-voting service's {\"error\": ...}, the key-value service's error: ...).",
                ""})
final class ClientCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "The cluster file (TOML).")
    Path config;

    @Option(names = "--id", description = "This client's id (a [[client]] in the cluster file).")
    Long id;

    @Option(names = "--join", paramLabel = "CREDENTIALS",
            description = "Instead of --id: join as a dynamic client with these credentials, which the service"
                    + " checks (kv, counter and null: any name; e-voting: use --voter), with --key or a fresh"
                    + " Ed25519 key, send the operations in that one session, and leave at the end.")
    String join;

    @Option(names = "--voter", paramLabel = "ID",
            description = "Instead of --id or --join: sign in to the e-voting service as this voter, with the"
                    + " credential in --credential (a fresh session key, as --join), and leave at the end.")
    String voter;

    @Option(names = "--credential", paramLabel = "FILE",
            description = "With --voter: the voter's credential, an ECDSA P-256 private key (PEM). --enroll makes"
                    + " it when the file does not exist.")
    Path credential;

    @Option(names = "--enroll", paramLabel = "CODE",
            description = "With --voter: enroll the credential with this one-time code first (once per voter).")
    String enroll;

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

    @Option(names = "--tls-engine", defaultValue = "auto",
            description = "auto (openssl where its native library loads, else jdk), jdk or openssl (default: ${DEFAULT-VALUE}).")
    String tlsEngine;

    @Option(names = "--auth", defaultValue = "signed", paramLabel = "signed|mac",
            description = "How requests are authenticated: signed (each request signed: authentic to everyone) or mac"
                    + " (an HMAC tag per replica under a key set up per connection: cheaper for the replicas, no"
                    + " non-repudiation; needs TLS). Default: ${DEFAULT-VALUE}.")
    String auth;

    @Parameters(description = "The operation, e.g. put greeting hello")
    List<String> operation;

    static ClientOptions.ClientAuth parseAuth(String auth) {
        return switch (auth == null ? "signed" : auth) {
            case "signed" -> ClientOptions.ClientAuth.SIGNED;
            case "mac" -> ClientOptions.ClientAuth.MAC;
            default -> throw new IllegalArgumentException("--auth " + auth + ": signed or mac");
        };
    }

    @Override
    public Integer call() throws Exception {
        ClusterFile.Contents contents = ClusterFile.loadContents(config);
        ClusterConfig cluster = contents.config();
        ClientSecurity security;
        ClientOptions.ClientAuth clientAuth = parseAuth(auth);
        if (insecurePlaintext && clientAuth == ClientOptions.ClientAuth.MAC) {
            throw new IllegalArgumentException("--auth mac needs TLS on the client port: its session keys would travel"
                    + " in clear under --insecure-plaintext");
        }
        if (insecurePlaintext) {
            System.err.println("WARN: --insecure-plaintext: operations and replies cross the network unencrypted");
            security = ClientSecurity.PLAINTEXT;
        } else {
            security = ClientSecurity.tls(cluster, contents.authorities(), TlsEngine.parse(tlsEngine));
        }
        if ((id != null ? 1 : 0) + (join != null ? 1 : 0) + (voter != null ? 1 : 0) != 1) {
            throw new IllegalArgumentException("give one of --id (a client in the cluster file), --join CREDENTIALS or"
                    + " --voter ID (the e-voting service)");
        }
        if ((voter == null) != (credential == null) || (enroll != null && voter == null)) {
            throw new IllegalArgumentException("--voter ID goes with --credential FILE (and --enroll CODE the first time)");
        }
        EvotingVoter evoting = voter == null ? null : EvotingVoter.open(voter, credential, enroll);
        if (id != null && cluster.clients().stream().noneMatch(c -> c.id() == id)) {
            throw new IllegalArgumentException("--id " + id + ": no [[client]] with that id in " + config);
        }
        boolean dynamic = id == null;
        SigningKey sessionKey = !dynamic ? null : key != null ? KeyFiles.readPrivateKey(key)
                : Ed25519SigningKey.generate(new SecureRandom());
        try (BastionClient client = connect(cluster, security, sessionKey)) {
            if (dynamic) {
                byte[] credentials = evoting != null ? evoting.joinCredentials(enroll, sessionKey.publicKey())
                        : join.getBytes(StandardCharsets.UTF_8);
                Session session = client.join(credentials);
                System.out.printf("joined as %s, client id %d%s%n", session.identity(), session.clientId(),
                        enroll != null ? " (enrolled the credential in " + credential + ")" : "");
            }
            try {
                return runAll(client, evoting);
            } finally {
                if (dynamic) {
                    client.leave();
                }
            }
        }
    }

    private BastionClient connect(ClusterConfig cluster, ClientSecurity security, SigningKey sessionKey)
            throws Exception {
        ClientOptions options = ClientOptions.defaults().withRequestTimeout(timeout).withAuth(parseAuth(auth));
        if (sessionKey != null) {
            return Clients.connectDynamic(cluster, security, sessionKey, sessionKey.publicKey(), options);
        }
        Path keyFile = key != null ? key : config.resolveSibling("client-" + id + ".key");
        return Clients.connect(cluster, security, id, KeyFiles.readPrivateKey(keyFile), options);
    }

    private int runAll(BastionClient client, EvotingVoter evoting) throws Exception {
        if (operation != null && !operation.isEmpty()) {
            return run(client, String.join(" ", operation), evoting);
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        int failures = 0;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (!line.isBlank()) {
                failures += run(client, line.strip(), evoting);
            }
        }
        return failures == 0 ? 0 : 1;
    }

    /** The e-voting service refuses text that is not JSON: say what it wants instead of leaving it at that. */
    private void hint(String op, String reply) {
        if (!op.stripLeading().startsWith("{") && reply.contains("malformed request")) {
            System.err.println("hint: this cluster runs a service whose operations are JSON (the e-voting service of"
                    + " bastion demo: sign in with --voter alice --credential alice.key (--enroll CODE the first time)"
                    + " and send e.g. '{\"op\":\"listElections\"}'; see bastion client --help). put/get/del are the"
                    + " key-value service's: bastion demo --service kv --dir demo-kv");
        }
    }

    /**
     * Whether a service's answer refuses the operation: a JSON object with an {@code error} member
     * (the e-voting service) or text that starts with {@code error:} (the key-value service).
     */
    static boolean refusal(byte[] reply) {
        String text = new String(reply, StandardCharsets.UTF_8).strip();
        if (text.startsWith("error:")) {
            return true;
        }
        if (!text.startsWith("{")) {
            return false;
        }
        try {
            JsonNode node = JSON.readTree(text);
            return node != null && node.isObject() && node.has("error");
        } catch (IOException e) {
            return false;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private int run(BastionClient client, String op, EvotingVoter evoting) {
        int failures = 0;
        long totalNanos = 0;
        for (int i = 0; i < repeat; i++) {
            try {
                byte[] request = evoting != null ? evoting.prepare(op, client) : op.getBytes(StandardCharsets.UTF_8);
                Result r = client.invokeForResult(request);
                totalNanos += r.latencyNanos();
                if (repeat == 1 || i == repeat - 1) {
                    String reply = new String(r.value(), StandardCharsets.UTF_8);
                    System.out.printf("%s    (signed by replicas %s%s, %.1f ms)%n", reply, r.agreeing(),
                            r.dissenting().isEmpty() ? "" : "; replicas " + r.dissenting() + " signed something else",
                            r.latencyNanos() / 1e6);
                    hint(op, reply);
                }
                if (refusal(r.value())) {
                    failures++;
                }
            } catch (BastionException | IOException | IllegalArgumentException e) {
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
