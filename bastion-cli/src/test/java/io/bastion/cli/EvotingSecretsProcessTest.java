package io.bastion.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bastion.client.BastionClient;
import io.bastion.crypto.Ed25519SigningKey;
import io.bastion.crypto.KeyFiles;
import io.bastion.evoting.DemoData;
import io.bastion.evoting.EnrollmentCode;
import io.bastion.evoting.JoinCredentials;
import io.bastion.evoting.SecretScan;
import io.bastion.evoting.ballot.BallotBuilder;
import io.bastion.evoting.ballot.BallotJson;
import io.bastion.evoting.ballot.BallotParameters;
import io.bastion.evoting.ballot.BallotRandomness;
import io.bastion.evoting.ballot.Credential;
import io.bastion.evoting.ballot.EncryptedBallot;
import io.bastion.threshold.P256Group;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What four real replica processes of the e-voting demo keep, once an election has run: every byte
 * of every file in every replica's data directory (the database, its checkpoint copies, the
 * protocol log, the threshold agent's files, and the state a replica that was down fetched by state
 * transfer) and every replica's log, searched for each voter's secrets in raw, base64 and hex forms
 * ({@link SecretScan}): the enrollment code and the private key scrypt derives from it, the
 * credential's and the session key's private keys, each ballot's randomness, and any choice in
 * plain form ({@code "choices":["Kraków"]}, as {@code bastion client --voter} takes it on its command
 * line and must encrypt before sending). Checkpoints every 4 batches, so there are several.
 */
class EvotingSecretsProcessTest {
    private static final long BOUND_NANOS = 90_000_000_000L;
    private static final int CHECKPOINT_INTERVAL = 4;
    private static final Pattern TRACKER = Pattern.compile("encrypted here, tracker ([0-9a-f]{64})");

    @TempDir
    Path directory;

    private ProcessLoad run;
    private final ObjectMapper json = new ObjectMapper();
    private final List<SecretScan.Secret> secrets = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        if (run != null) {
            run.close();
        }
    }

    /** A voter signed in from Java: its session, with its secrets noted. */
    private record Voter(String id, KeyPair credential, BastionClient client) {}

    private Voter enroll(DemoData.Account account) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        KeyPair credential = generator.generateKeyPair();
        Ed25519SigningKey sessionKey = Ed25519SigningKey.generate(new SecureRandom());
        secrets.addAll(SecretScan.voter(account.voter(), account.code(), credential));
        secrets.addAll(SecretScan.forms("the session key of " + account.voter(), sessionKey.seed()));
        BastionClient client = run.connectDynamic(sessionKey);
        client.join(JoinCredentials.enroll(account.voter(), EnrollmentCode.keyPair(account.voter(), account.code()),
                credential, sessionKey.publicKey().raw()));
        return new Voter(account.voter(), credential, client);
    }

    private JsonNode ask(Voter voter, String operation) throws Exception {
        return json.readTree(voter.client().invoke(operation.getBytes(StandardCharsets.UTF_8)));
    }

    private JsonNode await(String what, Callable<JsonNode> ask, Predicate<JsonNode> done) throws Exception {
        long deadline = System.nanoTime() + BOUND_NANOS;
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = ask.call();
            if (done.test(last)) {
                return last;
            }
            Thread.sleep(200); // the replicas' agents work meanwhile; each poll is an ordered request
        }
        throw new AssertionError(what + " not reached within the bound; last answer: " + last);
    }

    /** Casts a ballot built here from randomness drawn here, noted as a secret; its tracker. */
    private String cast(Voter voter, JsonNode election, int[] choices) throws Exception {
        BallotParameters parameters = new BallotParameters(election.get("id").asLong(), election.get("options").size(),
                election.get("minChoices").asInt(), election.get("maxChoices").asInt(),
                P256Group.INSTANCE.decode(Base64.getUrlDecoder().decode(election.get("publicKey").asText())));
        BallotRandomness randomness = BallotRandomness.draw(parameters, new SecureRandom());
        EncryptedBallot ballot = BallotBuilder.build(parameters, choices, Credential.of(voter.credential().getPublic()),
                randomness, BallotBuilder.signer(voter.credential().getPrivate()));
        secrets.addAll(SecretScan.ballot("a ballot of " + voter.id(), randomness));
        JsonNode reply = ask(voter, "{\"op\":\"castBallot\",\"electionId\":1,\"ballot\":" + BallotJson.write(ballot) + "}");
        assertThat(reply.path("tracker").asText()).as(reply.toString()).isEqualTo(ballot.tracker().hex());
        return ballot.tracker().hex();
    }

    /** {@code bastion client --config … --voter …} in this JVM: its exit code and standard output. */
    private String client(String... arguments) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        List<String> command = new ArrayList<>(List.of("client", "--config", run.clusterFile.toString(),
                "--timeout", "PT60S"));
        command.addAll(List.of(arguments));
        int code;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            code = Bastion.commandLine().execute(command.toArray(String[]::new));
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertThat(code).as(out).isZero();
        return out;
    }

    /** Carol votes from the command line, as a person would: option names, which the CLI encrypts. */
    private String castFromTheCommandLine(Path credential, String enrollCode, String option) {
        List<String> arguments = new ArrayList<>(List.of("--voter", "carol", "--credential", credential.toString()));
        if (enrollCode != null) {
            arguments.addAll(List.of("--enroll", enrollCode));
        }
        arguments.add("{\"op\":\"castBallot\",\"electionId\":1,\"choices\":[\"" + option + "\"]}");
        String out = client(arguments.toArray(String[]::new));
        Matcher tracker = TRACKER.matcher(out);
        assertThat(tracker.find()).as("the CLI encrypted the ballot: " + out).isTrue();
        assertThat(out).as("and the replicas took it").contains("\"tracker\":\"" + tracker.group(1) + "\"");
        return tracker.group(1);
    }

    @Test
    void noReplicaFileOrLogHoldsACodeAPrivateKeyABallotsRandomnessOrAPlaintextChoice() throws Exception {
        run = ProcessLoad.start(directory, id -> List.of("--service", "evoting"), false, CHECKPOINT_INTERVAL);
        run.cluster.kill(3); // back after the voting, many checkpoints behind: it catches up by state transfer
        Voter alice = enroll(DemoData.VOTERS.get(0));
        Voter bob = enroll(DemoData.VOTERS.get(1));
        Voter admin = enroll(DemoData.ADMIN);
        JsonNode election = await("election 1's key", () -> ask(alice, "{\"op\":\"election\",\"electionId\":1}"),
                e -> e.path("publicKey").isTextual());

        List<String> trackers = new ArrayList<>();
        trackers.add(cast(alice, election, new int[] {1, 0, 0}));
        trackers.add(cast(bob, election, new int[] {0, 0, 1}));
        trackers.add(cast(bob, election, new int[] {0, 1, 0})); // a re-vote: Kraków counts
        DemoData.Account carol = DemoData.VOTERS.get(2);
        Path carolKey = directory.resolve("carol.key"); // the voter's own file, beside the cluster's, not a replica's
        trackers.add(castFromTheCommandLine(carolKey, carol.code(), "Tallinn"));
        trackers.add(castFromTheCommandLine(carolKey, null, "Kraków")); // signs in with the credential file
        secrets.addAll(SecretScan.voter("carol", carol.code(), credentialIn(carolKey)));

        run.cluster.start(3);
        Path replica3Log = run.cluster.logOf(3);
        long deadline = System.nanoTime() + BOUND_NANOS;
        while (!Files.readString(replica3Log).contains("by state transfer") && System.nanoTime() < deadline) {
            ask(alice, "{\"op\":\"turnout\",\"electionId\":1}"); // ordered: the cluster moves on, checkpoints follow
        }
        assertThat(Files.readString(replica3Log)).as("replica 3 fetched the state").contains("by state transfer");

        assertThat(ask(admin, "{\"op\":\"closeElection\",\"electionId\":1}").path("state").asText()).isEqualTo("closed");
        JsonNode results = await("the tally", () -> ask(admin, "{\"op\":\"results\",\"electionId\":1}"),
                r -> r.path("tally").asText().equals("done"));
        assertThat(results.get("results")).extracting(r -> r.get("votes").asLong()).containsExactly(1L, 2L, 0L);
        String carolsAlpha = ask(alice, "{\"op\":\"ballot\",\"tracker\":\"" + trackers.get(4) + "\"}")
                .get("ballot").get("choices").get(0).get("alpha").asText(); // compressed, as the box stores it
        String carolsBallot = Base64.getUrlEncoder().withoutPadding().encodeToString(P256Group.INSTANCE.encodeUncompressed(
                P256Group.INSTANCE.decode(Base64.getUrlDecoder().decode(carolsAlpha)))); // as `evoting cast` sends it
        run.close(); // every replica stops: its files are complete
        run = null;

        List<Path> files = new ArrayList<>();
        for (int id = 0; id < 4; id++) {
            try (Stream<Path> walk = Files.walk(directory.resolve("data-" + id))) {
                walk.filter(Files::isRegularFile).forEach(files::add);
            }
            files.add(directory.resolve("replica-" + id + ".log"));
        }
        for (int id = 0; id < 3; id++) {
            Path data = directory.resolve("data-" + id);
            assertThat(files).as("replica %d took checkpoints", id)
                    .anyMatch(f -> f.startsWith(data) && f.getFileName().toString().matches("checkpoint-\\d+\\.db"));
        }
        assertThat(files).as("the protocol logs").anyMatch(f -> f.getFileName().toString().matches("segment-\\d+\\.log"));
        assertThat(files).as("the state replica 3 installed").contains(directory.resolve("data-3/sql/state.db"));
        assertThat(files).as("what the scan looks for is in the files: carol's ballot, as sent")
                .anyMatch(f -> f.toString().contains("/log/") && contains(f, carolsBallot));
        assertThat(files).as("and as the ballot box stores it")
                .anyMatch(f -> f.toString().contains("/sql/") && contains(f, carolsAlpha));
        for (String tracker : trackers) {
            assertThat(files).as("the ballot box holds ballot %s", tracker).anyMatch(f -> contains(f, tracker));
        }

        List<String> findings = new ArrayList<>();
        for (Path file : files) {
            findings.addAll(SecretScan.findings(file, secrets));
        }
        assertThat(findings).as("secrets in %d files of the replicas", files.size()).isEmpty();

        // the scan finds what it looks for: the same file with a code and a plaintext choice in it
        Path planted = directory.resolve("planted.db");
        Files.write(planted, (Files.readString(directory.resolve("data-0/sql/state.db"), StandardCharsets.ISO_8859_1)
                + carol.code() + "{\"op\":\"castBallot\",\"electionId\":1,\"choices\":[\"Kraków\"]}")
                .getBytes(StandardCharsets.ISO_8859_1));
        assertThat(SecretScan.findings(planted, secrets))
                .anyMatch(finding -> finding.startsWith("the enrollment code of carol in " + planted))
                .anyMatch(finding -> finding.startsWith("a plaintext choice in " + planted));
    }

    private static boolean contains(Path file, String text) {
        try {
            return SecretScan.latin1(Files.readAllBytes(file)).contains(text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The credential key pair in the PEM file the CLI made. */
    private static KeyPair credentialIn(Path file) throws Exception {
        var key = KeyFiles.readPrivateKey(file);
        ECPrivateKey privateKey = (ECPrivateKey) KeyFactory.getInstance("EC")
                .generatePrivate(new PKCS8EncodedKeySpec(key.toPkcs8()));
        return new KeyPair(io.bastion.crypto.PublicKeys.toJdk(key.publicKey()), privateKey);
    }
}
