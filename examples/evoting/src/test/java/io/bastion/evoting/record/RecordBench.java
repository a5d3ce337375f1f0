package io.bastion.evoting.record;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bastion.evoting.ballot.BallotBuilder;
import io.bastion.evoting.ballot.BallotJson;
import io.bastion.evoting.ballot.BallotParameters;
import io.bastion.evoting.ballot.Credential;
import io.bastion.evoting.ballot.EncryptedBallot;
import io.bastion.evoting.ballot.Tally;
import io.bastion.threshold.DecryptionTranscript;
import io.bastion.threshold.ElGamal;
import io.bastion.threshold.Element;
import io.bastion.threshold.KeyTranscript;
import io.bastion.threshold.P256Group;
import io.bastion.threshold.ShareStore;
import io.bastion.threshold.Suite;
import io.bastion.threshold.ThresholdAgent;
import io.bastion.threshold.ThresholdLedger;
import io.bastion.threshold.ThresholdOp;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

/**
 * Measures counting and verifying a large election, outside the test suite (docs/evoting.md,
 * "Verifying the record"): builds a genuine record of N ballots — a real threshold key made by four
 * replicas' agents on a {@link ThresholdLedger}, N distinct credentials each casting one
 * {@link BallotBuilder} ballot (on every core), the threshold decryption of the sums — and reports
 * the time to tally (add up the ballots, have the replicas decrypt, search the counts) and the time
 * to read and verify the record file with {@link RecordVerifier}. Run from the repository root:
 *
 * <pre>
 * mvn -B -o -q -pl examples/evoting -am test-compile exec:java@record-bench \
 *     -Dexec.skip=true -Dexec.mainClass=io.bastion.evoting.record.RecordBench \
 *     -Dexec.args="100000 3 /tmp/record-100k.json"
 * </pre>
 *
 * ({@code -am} builds the other modules from this tree; {@code exec.skip} and {@code exec.mainClass}
 * let Maven pass over them, since only this module's {@code record-bench} execution is not skipped.)
 * Reported are wall time and this process's CPU time: on a shared machine the second says what the
 * work costs when the first is inflated by other load.
 *
 * (arguments: ballots, default 100,000; options, default 3, one choice each; where to write the
 * record, default a temporary file that is deleted at the end). The record is written the way
 * {@code bastion evoting export} writes it, by a {@link RecordExporter} reading pages that
 * {@link RecordJson} makes, as the service does.
 */
public final class RecordBench {
    private static final P256Group GROUP = P256Group.INSTANCE;
    private static final int N = 4;
    private static final int F = 1;
    private static final int CHUNK = 1_000;
    private static final String KEY = "election-1";

    private final ThresholdLedger ledger = new ThresholdLedger(N, F);
    private final List<ThresholdAgent> agents = new ArrayList<>();
    private long nowMillis = 1_767_225_600_000L;

    private RecordBench() {
        for (int r = 0; r < N; r++) {
            agents.add(new ThresholdAgent(r, ShareStore.inMemory(), new SecureRandom()));
        }
    }

    /** One generated voter: the ballot's JSON and the box's entry, without keeping the ballot's points. */
    private record Cast(VoterEntry voter, BallotEntry entry) {}

    public static void main(String[] args) throws Exception {
        int ballots = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int options = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path out = args.length > 2 ? Path.of(args[2]) : Files.createTempFile("election-record", ".json");
        boolean keep = args.length > 2;
        try {
            new RecordBench().run(ballots, options, out);
        } finally {
            if (!keep) {
                Files.deleteIfExists(out);
            }
        }
    }

    private void run(int count, int options, Path out) throws IOException {
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf(Locale.ROOT, "election record of %,d ballots, %d options (one choice), %d cores, JDK %s,"
                + " load average %s%n", count, options, cores, Runtime.version(), load());
        Stopwatch watch = new Stopwatch();
        Element publicKey = makeKey();
        System.out.println("threshold key (4 replicas, f = 1)         " + watch.format());

        BallotParameters parameters = new BallotParameters(1, options, 1, 1, publicKey);
        watch = new Stopwatch();
        List<Cast> casts = IntStream.range(0, (count + CHUNK - 1) / CHUNK).parallel()
                .mapToObj(c -> generate(parameters, c * CHUNK, Math.min(count, (c + 1) * CHUNK)))
                .flatMap(List::stream).toList();
        System.out.printf(Locale.ROOT, "generate %,d ballots (BallotBuilder)  %s%n", count, watch.format());

        Stopwatch tally = new Stopwatch();
        watch = new Stopwatch();
        List<ElGamal.Ciphertext> sums = IntStream.range(0, (count + CHUNK - 1) / CHUNK).parallel()
                .mapToObj(c -> Tally.sum(options, casts.subList(c * CHUNK, Math.min(count, (c + 1) * CHUNK)).stream()
                        .map(cast -> BallotJson.parse(cast.entry().ballotJson())).toList()))
                .reduce(RecordBench::add).orElseThrow();
        System.out.println("tally: read the ballots and add them up   " + watch.format());
        watch = new Stopwatch();
        DecryptionTranscript decryption = decrypt(sums);
        System.out.println("       threshold decryption of the sums   " + watch.format());
        watch = new Stopwatch();
        List<Long> counts = Tally.counts(decryption.plaintexts(), count).orElseThrow();
        System.out.println("       search of the counts               " + watch.format());
        System.out.println("       total                              " + tally.format() + "   counts " + counts);

        watch = new Stopwatch();
        write(out, parameters, casts, decryption, counts);
        System.out.printf(Locale.ROOT, "write the record file (%,d MB)          %s%n", Files.size(out) >> 20,
                watch.format());

        Stopwatch verifying = new Stopwatch();
        watch = new Stopwatch();
        ElectionRecord record = RecordReader.read(out);
        System.out.println("verify: read the record file              " + watch.format());
        watch = new Stopwatch();
        Report report = new RecordVerifier().verify(record);
        System.out.println("        check it (" + cores + " threads)               " + watch.format());
        System.out.println("        total                             " + verifying.format() + "   load average "
                + load());
        report.lines().forEach(line -> System.out.println("  " + line));
        if (!report.verified()) {
            throw new IllegalStateException("the generated record does not verify");
        }
    }

    // ------------------------------------------------------------------ the threshold facility, in process

    /** Orders every agent's contributions until {@code done}; each round is one second of agreed time. */
    private void settle(String what, BooleanSupplier done) {
        for (int round = 0; round < 200; round++) {
            if (done.getAsBoolean()) {
                return;
            }
            for (int r = 0; r < N; r++) {
                for (ThresholdOp op : agents.get(r).due(ledger, nowMillis)) {
                    ledger.execute(op, ThresholdLedger.Caller.replica(r), nowMillis);
                }
            }
            nowMillis += 1_000;
        }
        throw new IllegalStateException(what + ": not done after 200 rounds");
    }

    private Element makeKey() {
        settle("enrollment", () -> IntStream.range(0, N).allMatch(r -> ledger.encryptionKey(r).isPresent()));
        if (!ledger.execute(new ThresholdOp.KeyGen(KEY, Suite.P256), ThresholdLedger.Caller.SERVICE, nowMillis)
                .accepted()) {
            throw new IllegalStateException("key generation refused");
        }
        settle("key generation", () -> ledger.key(KEY).isPresent());
        return ledger.key(KEY).orElseThrow().publicKey();
    }

    private DecryptionTranscript decrypt(List<ElGamal.Ciphertext> sums) {
        ThresholdLedger.Outcome asked = ledger.execute(new ThresholdOp.Decrypt(KEY, sums),
                ThresholdLedger.Caller.SERVICE, nowMillis);
        settle("decryption", () -> ledger.decryptionTranscript(asked.operation()).orElseThrow().done());
        return ledger.decryptionTranscript(asked.operation()).orElseThrow();
    }

    // ------------------------------------------------------------------ voters and ballots

    /** Voters {@code from..to-1}: a credential each, an enrollment key, one ballot for option {@code i mod k}. */
    private static List<Cast> generate(BallotParameters parameters, int from, int to) {
        SecureRandom random = new SecureRandom();
        KeyPairGenerator keys;
        try {
            keys = KeyPairGenerator.getInstance("EC");
            keys.initialize(new ECGenParameterSpec("secp256r1"), random);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK makes P-256 keys", e);
        }
        List<Cast> casts = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            KeyPair credential = keys.generateKeyPair(); // as a voter's device makes it
            Credential enrollmentKey = Credential.of(keys.generateKeyPair().getPublic());
            int[] choices = new int[parameters.options()];
            choices[i % parameters.options()] = 1;
            EncryptedBallot ballot = BallotBuilder.build(parameters, choices, credential, random);
            casts.add(new Cast(new VoterEntry(List.of(ballot.credential()), enrollmentKey, true),
                    new BallotEntry(i + 1, ballot.tracker().hex(), ballot.credential(), 1_767_225_600_000L + i, true,
                            BallotJson.write(ballot))));
        }
        return casts;
    }

    private static List<ElGamal.Ciphertext> add(List<ElGamal.Ciphertext> a, List<ElGamal.Ciphertext> b) {
        List<ElGamal.Ciphertext> sum = new ArrayList<>(a.size());
        for (int j = 0; j < a.size(); j++) {
            sum.add(a.get(j).add(b.get(j)));
        }
        return sum;
    }

    // ------------------------------------------------------------------ the record file

    /** Writes the record through a {@link RecordExporter}, from pages made as the service makes them. */
    private void write(Path out, BallotParameters parameters, List<Cast> casts, DecryptionTranscript decryption,
                       List<Long> counts) throws IOException {
        List<String> options = IntStream.range(0, parameters.options()).mapToObj(j -> "option " + j).toList();
        KeyTranscript key = ledger.keyTranscript(KEY).orElseThrow();
        ObjectNode summary = JsonNodeFactory.instance.objectNode();
        summary.set("election", RecordJson.election(new ElectionInfo(1, "A large election", options, 1, 1, 0L,
                nowMillis, "closed")));
        summary.set("ballotParameters", RecordJson.ballotParameters(parameters));
        summary.set("key", RecordJson.key(key));
        summary.put("eligible", casts.size());
        summary.set("tally", RecordJson.tally(new TallyRecord("done", (long) casts.size(), decryption)));
        ResultRecord.Leaders leaders = ResultRecord.leaders(options, counts);
        summary.set("result", RecordJson.result(new ResultRecord(options, counts, leaders.winner(), leaders.tie(),
                List.copyOf(decryption.usedShares().keySet()))));
        RecordExporter.Reads pages = request -> switch (request.get("part").textValue()) {
            case "summary" -> summary;
            case "voters" -> page(request, "voters", 1_000, casts, c -> RecordJson.voter(c.voter()));
            default -> page(request, "ballots", 500, casts, c -> RecordJson.ballot(c.entry()));
        };
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(out), 1 << 16)) {
            new RecordExporter(pages).export(1, file);
        }
    }

    private static JsonNode page(ObjectNode request, String part, int size, List<Cast> casts,
                                 java.util.function.Function<Cast, ObjectNode> item) {
        int after = request.get("after").intValue();
        ObjectNode page = JsonNodeFactory.instance.objectNode();
        ArrayNode items = page.putArray(part);
        for (int i = after; i < Math.min(casts.size(), after + size); i++) {
            items.add(item.apply(casts.get(i)));
        }
        if (after + size < casts.size()) {
            page.put("next", after + size);
        } else {
            page.putNull("next");
        }
        return page;
    }

    /** Wall time and this process's CPU time since it was made: CPU time tells what a loaded machine hides. */
    private static final class Stopwatch {
        private final long wallNanos = System.nanoTime();
        private final long cpuNanos = cpuNanos();

        static long cpuNanos() {
            return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime();
        }

        double wall() {
            return (System.nanoTime() - wallNanos) / 1e9;
        }

        double cpu() {
            return (cpuNanos() - cpuNanos) / 1e9;
        }

        /** "12.3 s (CPU 24.1 s)". */
        String format() {
            return String.format(Locale.ROOT, "%7.1f s  (CPU %6.1f s)", wall(), cpu());
        }
    }

    private static String load() {
        return String.format(Locale.ROOT, "%.1f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
}
