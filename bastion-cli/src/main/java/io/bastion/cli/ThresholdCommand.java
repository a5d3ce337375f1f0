package io.bastion.cli;

import io.bastion.client.BastionClient;
import io.bastion.client.ClientOptions;
import io.bastion.client.Clients;
import io.bastion.core.config.ClusterConfig;
import io.bastion.core.util.Hex;
import io.bastion.crypto.KeyFiles;
import io.bastion.net.config.ClusterFile;
import io.bastion.net.tls.ClientSecurity;
import io.bastion.net.tls.TlsEngine;
import io.bastion.threshold.ElGamal;
import io.bastion.threshold.Element;
import io.bastion.threshold.Frost;
import io.bastion.threshold.FrostSuite;
import io.bastion.threshold.Suite;
import io.bastion.threshold.ThresholdOp;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code bastion threshold}: the cluster's threshold keys, decryptions, coins and signatures, as a registered client. */
@Command(name = "threshold", mixinStandardHelpOptions = true,
        description = {"Uses the threshold cryptography of a cluster running --service threshold",
                "(docs/threshold.md), as a client of the cluster file. Actions:",
                "  keygen NAME [--suite p256|ed25519]  generate a key; prints its public key",
                "  key NAME                            print a key's public key and epoch",
                "  decrypt NAME --value N              encrypt N here under the key, have f+1",
                "                                      replicas decrypt it, print what they got",
                "  coin NAME INPUT                     an unbiasable 32-byte value for INPUT",
                "  sign NAME MESSAGE                   a FROST signature by the cluster",
                "  reshare NAME                        new shares for every replica, same key",
                "  result ID                           an operation's state",
                "Each waits until the cluster is done (at most --wait)."})
final class ThresholdCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "The cluster file (TOML).")
    Path config;

    @Option(names = "--id", required = true, description = "This client's id (a [[client]] in the cluster file).")
    long id;

    @Option(names = "--key", description = "Its private key (PEM). Default: client-<id>.key next to the cluster file.")
    Path key;

    @Option(names = "--suite", defaultValue = "p256",
            description = "keygen: p256 (decryption, coins, FROST P-256) or ed25519 (FROST signatures plain Ed25519"
                    + " verifies) (default: ${DEFAULT-VALUE}).")
    String suite;

    @Option(names = "--value", defaultValue = "42", description = "decrypt: the number to encrypt (0..100000).")
    long value;

    @Option(names = "--wait", defaultValue = "PT60S", description = "How long to wait for the cluster, ISO-8601"
            + " (default: ${DEFAULT-VALUE}).")
    Duration wait;

    @Option(names = "--insecure-plaintext", description = "Plain TCP to the client ports (a cluster run so).")
    boolean insecurePlaintext;

    @Parameters(index = "0", description = "keygen, key, decrypt, coin, sign, reshare or result")
    String action;

    @Parameters(index = "1..*", description = "The key name, and the coin input or message")
    List<String> arguments = List.of();

    @Override
    public Integer call() throws Exception {
        ClusterFile.Contents contents = ClusterFile.loadContents(config);
        ClusterConfig cluster = contents.config();
        ClientSecurity security = insecurePlaintext ? ClientSecurity.PLAINTEXT
                : ClientSecurity.tls(cluster, contents.authorities(), TlsEngine.preferred());
        Path keyFile = key != null ? key : config.resolveSibling("client-" + id + ".key");
        try (BastionClient client = Clients.connect(cluster, security, id, KeyFiles.readPrivateKey(keyFile),
                ClientOptions.defaults())) {
            return run(client);
        }
    }

    private String argument(int index, String what) {
        if (arguments.size() <= index) {
            throw new IllegalArgumentException(action + " needs " + what);
        }
        return arguments.get(index);
    }

    private int run(BastionClient client) throws Exception {
        long start = System.nanoTime();
        String name = action.equals("result") ? null : argument(0, "a key name");
        switch (action) {
            case "keygen" -> {
                Suite chosen = switch (suite.toLowerCase(Locale.ROOT)) {
                    case "p256" -> Suite.P256;
                    case "ed25519" -> Suite.ED25519;
                    default -> throw new IllegalArgumentException("--suite " + suite + ": choose p256 or ed25519");
                };
                expectOk(ordered(client, new ThresholdOp.KeyGen(name, chosen)));
                String key = awaitKey(client, name, -1);
                System.out.printf("key %s ready after %.0f ms: %s%n", name, millisSince(start), key);
            }
            case "key" -> System.out.println(expectOk(read(client, new ThresholdOp.KeyQuery(name))));
            case "reshare" -> {
                int epoch = epoch(expectOk(read(client, new ThresholdOp.KeyQuery(name))));
                expectOk(ordered(client, new ThresholdOp.Reshare(name)));
                System.out.printf("reshared after %.0f ms: %s%n", millisSince(start), awaitKey(client, name, epoch));
            }
            case "decrypt" -> {
                String key = expectOk(read(client, new ThresholdOp.KeyQuery(name)));
                Element publicKey = io.bastion.threshold.P256Group.INSTANCE.decode(Hex.parse(field(key, "public")));
                ElGamal.Ciphertext c = ElGamal.encryptExponent(publicKey, value, new SecureRandom());
                String result = awaitResult(client, ordered(client, new ThresholdOp.Decrypt(name, List.of(c))));
                Element plain = io.bastion.threshold.ThresholdLedger.Result.decodePlaintexts(
                        Hex.parse(field(result, "done"))).get(0);
                long m = ElGamal.discreteLog(plain, 100_000).orElseThrow(() ->
                        new IllegalStateException("the decryption is no number in 0..100000"));
                System.out.printf("decrypted %d in %.0f ms (%s)%n", m, millisSince(start), result);
                return m == value ? 0 : 1;
            }
            case "coin" -> {
                String result = awaitResult(client, ordered(client, new ThresholdOp.Coin(name,
                        argument(1, "an input").getBytes(StandardCharsets.UTF_8))));
                System.out.printf("coin %s in %.0f ms%n", field(result, "done"), millisSince(start));
            }
            case "sign" -> {
                byte[] message = argument(1, "a message").getBytes(StandardCharsets.UTF_8);
                String key = expectOk(read(client, new ThresholdOp.KeyQuery(name)));
                String result = awaitResult(client, ordered(client, new ThresholdOp.Sign(name, message)));
                byte[] signature = Hex.parse(field(result, "done"));
                boolean ed25519 = field(key, "suite").equals("ED25519");
                FrostSuite frost = ed25519 ? FrostSuite.ED25519_SHA512 : FrostSuite.P256_SHA256;
                Element publicKey = frost.group().decode(Hex.parse(field(key, "public")));
                System.out.printf("signature %s in %.0f ms; verifies under %s: %s%n", Hex.of(signature),
                        millisSince(start), Hex.of(publicKey.encode()), Frost.verify(frost, publicKey, message, signature));
            }
            case "result" -> System.out.println(expectOk(read(client,
                    new ThresholdOp.ResultQuery(Long.parseLong(argument(0, "an operation id"))))));
            default -> throw new IllegalArgumentException("unknown action " + action + "; see bastion threshold --help");
        }
        return 0;
    }

    private static double millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }

    private static String ordered(BastionClient client, ThresholdOp op) throws Exception {
        return new String(client.invoke(op.encode()), StandardCharsets.UTF_8);
    }

    private static String read(BastionClient client, ThresholdOp op) throws Exception {
        return new String(client.invokeReadOnly(op.encode()), StandardCharsets.UTF_8);
    }

    private static String expectOk(String reply) {
        if (!reply.startsWith("ok ")) {
            throw new IllegalStateException("the cluster answered: " + reply);
        }
        return reply.substring(3);
    }

    /** The word after {@code label} in a reply. */
    static String field(String reply, String label) {
        String[] words = reply.split(" ");
        for (int i = 0; i + 1 < words.length; i++) {
            if (words[i].equals(label)) {
                return words[i + 1];
            }
        }
        throw new IllegalStateException("no " + label + " in " + reply);
    }

    private static int epoch(String keyReply) {
        return Integer.parseInt(field(keyReply, "epoch"));
    }

    private String awaitKey(BastionClient client, String name, int pastEpoch) throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            String reply = read(client, new ThresholdOp.KeyQuery(name));
            if (reply.startsWith("ok ") && epoch(reply.substring(3)) > pastEpoch
                    && field(reply, "resharing").equals("false")) {
                return reply.substring(3);
            }
            Thread.sleep(100); // polling the cluster: each read is answered by the replicas, not timed here
        }
        throw new IllegalStateException("key " + name + " not ready after " + wait);
    }

    private String awaitResult(BastionClient client, String accepted) throws Exception {
        long operation = Long.parseLong(field(expectOk(accepted), "operation"));
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            String reply = expectOk(read(client, new ThresholdOp.ResultQuery(operation)));
            if (reply.contains(" done ")) {
                return reply;
            }
            Thread.sleep(100); // polling, as above
        }
        throw new IllegalStateException("operation " + operation + " not done after " + wait);
    }
}
