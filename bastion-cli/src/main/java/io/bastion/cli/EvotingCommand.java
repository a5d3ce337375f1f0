package io.bastion.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bastion.client.BastionClient;
import io.bastion.client.BastionException;
import io.bastion.client.ClientOptions;
import io.bastion.client.Clients;
import io.bastion.core.config.ClusterConfig;
import io.bastion.crypto.Ed25519SigningKey;
import io.bastion.crypto.SigningKey;
import io.bastion.evoting.record.ElectionRecord;
import io.bastion.evoting.record.RecordExporter;
import io.bastion.evoting.record.RecordFormatException;
import io.bastion.evoting.record.RecordReader;
import io.bastion.evoting.record.RecordVerifier;
import io.bastion.evoting.record.Report;
import io.bastion.net.config.ClusterFile;
import io.bastion.net.tls.ClientSecurity;
import io.bastion.net.tls.TlsEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code bastion evoting}: the e-voting service's election record (docs/evoting.md, "The election
 * record"). {@code export} reads an election's record from the cluster, a page at a time, each page
 * a read that 2f+1 replicas must answer alike, and writes it to a file; {@code verify} checks a
 * record file end to end without contacting anyone ({@link RecordVerifier}). Both are thin: the
 * work is the evoting module's, which a Java program can call the same way.
 */
@Command(name = "evoting", mixinStandardHelpOptions = true,
        description = {"The e-voting service's election record: everything anyone needs to check an election",
                "without trusting the replicas (docs/evoting.md, \"The election record\").",
                "  export  read an election's record from the cluster into a file",
                "  verify  check a record file, offline"},
        subcommands = {EvotingCommand.Export.class, EvotingCommand.Verify.class})
final class EvotingCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code bastion evoting export}: the record of one election, from the cluster, to a file. */
    @Command(name = "export", mixinStandardHelpOptions = true,
            description = {"Signs in to the e-voting service as --voter (with the credential enrolled earlier",
                    "with bastion client --enroll) and writes election --election's record as JSON: the",
                    "election and the parameters its ballots were made for, its threshold key with the",
                    "transcript it follows from, the eligible voters' credentials (no voter ids), every",
                    "ballot of the box in order with its proofs and signature, the tally's aggregate, every",
                    "replica's decryption share with its proof, and the result. Any signed-in account may",
                    "export any election. Each page is a read-only request that 2f+1 replicas must answer",
                    "with the same bytes (the client orders it when they do not). The file is written",
                    "next to --out and renamed into place when complete. Check it with bastion evoting",
                    "verify. Exits 1 with the reason when the cluster refuses or cannot be reached."})
    static final class Export implements Callable<Integer> {
        @Option(names = "--config", required = true, description = "The cluster file (TOML).")
        Path config;

        @Option(names = "--election", required = true, paramLabel = "ID", description = "The election's id.")
        long election;

        @Option(names = "--out", paramLabel = "FILE", description = "Where to write the record (default: standard output).")
        Path out;

        @Option(names = "--voter", required = true, paramLabel = "ID",
                description = "Sign in as this voter (or admin), with a fresh session key; leaves at the end.")
        String voter;

        @Option(names = "--credential", required = true, paramLabel = "FILE",
                description = "The voter's enrolled credential, an ECDSA P-256 private key (PEM), as bastion client"
                        + " --enroll made it.")
        Path credential;

        @Option(names = "--timeout", defaultValue = "PT30S",
                description = "Give up on a page after this long, ISO-8601 (default: ${DEFAULT-VALUE}).")
        Duration timeout;

        @Option(names = "--insecure-plaintext", description = "Plain TCP to the client ports (a cluster run so).")
        boolean insecurePlaintext;

        @Option(names = "--tls-engine", defaultValue = "auto",
                description = "auto (openssl where its native library loads, else jdk), jdk or openssl (default: ${DEFAULT-VALUE}).")
        String tlsEngine;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            ClusterFile.Contents contents = ClusterFile.loadContents(config);
            ClusterConfig cluster = contents.config();
            ClientSecurity security = insecurePlaintext ? ClientSecurity.PLAINTEXT
                    : ClientSecurity.tls(cluster, contents.authorities(), TlsEngine.parse(tlsEngine));
            if (!Files.exists(credential)) {
                throw new IllegalArgumentException("--credential " + credential + " does not exist: enroll first, with"
                        + " bastion client --voter " + voter + " --credential " + credential + " --enroll CODE");
            }
            EvotingVoter signIn = EvotingVoter.open(voter, credential, null);
            SigningKey sessionKey = Ed25519SigningKey.generate(new SecureRandom());
            ObjectMapper json = new ObjectMapper();
            PrintWriter err = spec.commandLine().getErr();
            try (BastionClient client = Clients.connectDynamic(cluster, security, sessionKey, sessionKey.publicKey(),
                    ClientOptions.defaults().withRequestTimeout(timeout))) {
                client.join(signIn.joinCredentials(null, sessionKey.publicKey()));
                RecordExporter exporter = new RecordExporter(operation -> {
                    try {
                        return json.readTree(client.invokeReadOnly(json.writeValueAsBytes(operation)));
                    } catch (BastionException e) {
                        throw new IOException("the cluster did not answer a read of the record: " + e.getMessage(), e);
                    }
                });
                try {
                    RecordExporter.Exported exported = out == null ? exportTo(exporter, System.out)
                            : exportToFile(exporter);
                    err.printf(Locale.ROOT, "election %d: %d eligible voters, %d ballots, tally %s%s%n", election,
                            exported.voters(), exported.ballots(), exported.tally(),
                            out == null ? "" : "; wrote " + out);
                    if (!exported.tally().equals("done") && !exported.tally().equals("failed")) {
                        err.println("the election is not tallied yet: the record has no result; export it again once"
                                + " the results are published");
                    }
                } finally {
                    client.leave();
                }
            } catch (RecordExporter.RefusedException refused) {
                err.println("bastion evoting export: the service refused: " + refused.getMessage());
                return 1;
            }
            err.flush();
            return 0;
        }

        private RecordExporter.Exported exportTo(RecordExporter exporter, OutputStream stream) throws IOException {
            OutputStream buffered = new BufferedOutputStream(stream, 1 << 16);
            RecordExporter.Exported exported = exporter.export(election, buffered);
            buffered.flush();
            return exported;
        }

        private RecordExporter.Exported exportToFile(RecordExporter exporter) throws IOException {
            Path partial = out.resolveSibling(out.getFileName() + ".partial");
            try {
                RecordExporter.Exported exported;
                try (OutputStream file = Files.newOutputStream(partial)) {
                    exported = exportTo(exporter, file);
                }
                Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                return exported;
            } finally {
                Files.deleteIfExists(partial);
            }
        }
    }

    /** {@code bastion evoting verify}: checks a record file, offline. */
    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Checks an election record (from bastion evoting export) without contacting any replica:",
                    "  election     the ballots' parameters are the election's and its key's",
                    "  key          the public key and the replicas' verification keys follow from the",
                    "               key's transcript (the qualified dealings' commitments)",
                    "  ballots      every ballot is well formed, signed by its credential, and its proofs",
                    "               verify (each option 0 or 1, an allowed number of choices)",
                    "  trackers     each tracker is the SHA-256 of its ballot; numbered 1, 2, … in order",
                    "  eligibility  every ballot's credential is an eligible voter's",
                    "  counting     each voter's counted ballot is their last, one per voter",
                    "  aggregate    the sums the replicas decrypted are those of the counted ballots",
                    "  shares       each decryption share's proof verifies against its replica's",
                    "               verification key; at least f+1 do",
                    "  decryption   the plaintexts recombine from the shares",
                    "  counts       each plaintext is its count times G",
                    "  result       the winner (or the tie) is what the counts say",
                    "Prints a line per check with its counts, and under a check that failed exactly what",
                    "(which ballot by number and tracker, which replica's share). NOTE marks what is wrong",
                    "but does not change the result (a replica's bad share, with f+1 good ones left).",
                    "Exit status: 0 the record verifies, 1 a check failed, 2 the file cannot be read",
                    "(not JSON, cut short, or not an election record; the message says where)."})
    static final class Verify implements Callable<Integer> {
        static final int FAILED = 1;
        static final int UNREADABLE = 2;

        @Parameters(index = "0", paramLabel = "RECORD", description = "The record file.")
        Path record;

        @Option(names = "--threads", paramLabel = "N",
                description = "Threads checking ballots (default: the number of cores, ${DEFAULT-VALUE}).")
        int threads = Runtime.getRuntime().availableProcessors();

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            long start = System.nanoTime();
            ElectionRecord parsed;
            try {
                parsed = RecordReader.read(record);
            } catch (RecordFormatException e) {
                err.println("bastion evoting verify: " + record + " is not a valid election record: " + e.getMessage());
                return UNREADABLE;
            } catch (NoSuchFileException e) {
                err.println("bastion evoting verify: " + record + ": no such file");
                return UNREADABLE;
            } catch (IOException e) {
                err.println("bastion evoting verify: cannot read " + record + ": " + e.getMessage());
                return UNREADABLE;
            }
            Report report = new RecordVerifier(Math.max(1, threads)).verify(parsed);
            report.lines().forEach(out::println);
            out.printf(Locale.ROOT, "(%d ballots checked in %.1f s)%n", parsed.ballots().size(),
                    (System.nanoTime() - start) / 1e9);
            out.flush();
            return report.verified() ? 0 : FAILED;
        }
    }
}
