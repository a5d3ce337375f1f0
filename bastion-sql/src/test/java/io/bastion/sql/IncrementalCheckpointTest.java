package io.bastion.sql;

import io.bastion.core.TestKeys;
import io.bastion.core.crypto.Digest;
import io.bastion.core.crypto.MerkleTree;
import io.bastion.core.execution.StateMachine;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.Message;
import io.bastion.core.message.Request;
import io.bastion.core.message.StateChunk;
import io.bastion.core.message.StateManifest;
import io.bastion.core.replica.Execute;
import io.bastion.core.session.SessionRequests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checkpoints made incrementally (the write-ahead log's pages rehashed, the overwritten pages saved
 * per kept checkpoint) against the whole file: after seeded random transactions that grow the file,
 * free pages and overflow into blobs, and restarts at random moments, every checkpoint digest is
 * the root of a from-scratch {@link PageImage} of the file, and every kept checkpoint still serves
 * exactly the pages and manifest it had at its seq, however much was written since. Crashes in the
 * middle of a checkpoint (the directory copied at that moment) recover to the same digests.
 * The seed is random unless {@code -Dbastion.seed=…} fixes it; failures name it.
 */
class IncrementalCheckpointTest {
    private static final int K = 4;
    private static final long T0 = 1_767_225_600_000L;
    private static final int PAGE = SqlDatabase.PAGE_BYTES;

    @TempDir
    Path directory;

    private final List<SqlStateMachine> open = new ArrayList<>();
    private long requestNumber = 1;

    @AfterEach
    void closeAll() {
        open.forEach(SqlStateMachine::close);
    }

    private SqlStateMachine open(String name) {
        SqlStateMachine m = new SqlStateMachine(0, TestKeys.signer(0), new IdenticalFilesTest.ScriptService(),
                directory.resolve(name), SqlDatabase.Mode.DURABLE, K,
                SessionRequests.of(TestKeys.cluster(1, 0), TestKeys.VERIFIER));
        open.add(m);
        return m;
    }

    private SqlStateMachine restart(SqlStateMachine m, String name) {
        m.close();
        open.remove(m);
        return open(name);
    }

    /** Random writes: inserts of small rows and of blobs that overflow into many pages, updates, deletes, tables. */
    private static final class Workload {
        private final SplittableRandom random;
        private int tables = 1;

        Workload(long seed) {
            random = new SplittableRandom(seed);
        }

        static String schema() {
            return "CREATE TABLE w0 (id INTEGER PRIMARY KEY, k INTEGER, b BLOB);\nCREATE INDEX w0_k ON w0 (k)";
        }

        String next() {
            String t = "w" + random.nextInt(tables);
            return switch (random.nextInt(10)) {
                case 0, 1, 2 -> "INSERT INTO " + t + " (k, b) SELECT random() % 1000, randomblob(" + random.nextInt(300)
                        + ") FROM (SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3)";
                case 3 -> "INSERT INTO " + t + " (k, b) VALUES (" + random.nextInt(1000) + ", randomblob("
                        + (10_000 + random.nextInt(60_000)) + "))";
                case 4, 5 -> "UPDATE " + t + " SET b = randomblob(" + random.nextInt(2_000) + ") WHERE k % 13 = "
                        + random.nextInt(13);
                case 6, 7 -> "DELETE FROM " + t + " WHERE k % 17 = " + random.nextInt(17);
                case 8 -> "CREATE TABLE w" + tables++ + " (id INTEGER PRIMARY KEY, k INTEGER, b BLOB)";
                default -> "DELETE FROM " + t + " WHERE id IN (SELECT id FROM " + t + " ORDER BY id DESC LIMIT 5)";
            };
        }
    }

    private Execute batch(long seq, boolean checkpoint, String... scripts) {
        List<Envelope<Request>> requests = new ArrayList<>();
        for (String script : scripts) {
            long client = 1000 + requests.size();
            requests.add(Envelope.sign(new Request(client, requestNumber++, false, script.getBytes(StandardCharsets.UTF_8)),
                    TestKeys.signer(client)));
        }
        return new Execute(seq, 0, T0 + seq * 1000, seq * 31, requests, checkpoint);
    }

    private Execute batch(long seq, Workload workload) {
        return batch(seq, seq % K == 0, workload.next(), workload.next(), workload.next());
    }

    @Test
    void digestsAreThoseOfTheWholeFileAndKeptCheckpointsServeTheirPagesAsOfTheirSeq() throws Exception {
        long seed = Long.getLong("bastion.seed", new SplittableRandom().nextLong());
        String replay = "reproduce with -Dbastion.seed=" + seed;
        SplittableRandom restarts = new SplittableRandom(~seed);
        Workload workload = new Workload(seed);
        SqlStateMachine m = open("a");
        m.execute(batch(1, false, Workload.schema()));
        TreeMap<Long, byte[]> images = new TreeMap<>();
        int restarted = 0;
        for (long seq = 2; seq <= 64; seq++) {
            StateMachine.Result result = m.execute(batch(seq, workload));
            if (seq % K == 0) {
                byte[] image = Files.readAllBytes(directory.resolve("a/state.db")); // right after the checkpoint's fold
                assertThat(result.stateDigest()).as(replay + ": checkpoint %d", seq)
                        .isEqualTo(PageImage.of(directory.resolve("a/state.db"), PAGE).root());
                images.put(seq, image);
            }
            if (restarts.nextInt(6) == 0) { // mid-interval too: closing folds the log, saving pages for the newest checkpoint
                m = restart(m, "a");
                restarted++;
            }
            assertKeptCheckpointsServe(m, images, replay + ", after seq " + seq);
        }
        assertThat(restarted).as(replay).isPositive();
        assertThat(images.lastEntry().getValue().length).as(replay + ": the file grew")
                .isGreaterThan(images.firstEntry().getValue().length);
        int saved = 0;
        for (long seq : images.descendingKeySet().stream().limit(SqlStateMachine.CHECKPOINTS_KEPT).toList()) {
            saved += savedPages(directory.resolve("a"), seq);
        }
        assertThat(saved).as(replay + ": kept checkpoints hold some pages of their own").isPositive();
    }

    /** The newest kept checkpoints serve their manifest and every page as they were; older ones are gone. */
    private static void assertKeptCheckpointsServe(SqlStateMachine m, TreeMap<Long, byte[]> images, String where) {
        List<Long> seqs = new ArrayList<>(images.descendingKeySet());
        for (int i = 0; i < seqs.size(); i++) {
            long seq = seqs.get(i);
            List<Message> manifest = m.serve(seq, List.of());
            if (i >= SqlStateMachine.CHECKPOINTS_KEPT) {
                assertThat(manifest).as("%s: checkpoint %d is no longer kept", where, seq).isEmpty();
                continue;
            }
            byte[] image = images.get(seq);
            assertThat(manifest).as("%s: checkpoint %d", where, seq).hasSize(1);
            assertThat(((StateManifest) manifest.get(0)).leaves()).as("%s: manifest of %d", where, seq)
                    .isEqualTo(leavesOf(image));
            List<Integer> all = IntStream.range(0, image.length / PAGE).boxed().toList();
            List<Message> chunks = m.serve(seq, all);
            assertThat(chunks).hasSize(all.size());
            for (Message chunk : chunks) {
                StateChunk c = (StateChunk) chunk;
                assertThat(c.data()).as("%s: page %d of checkpoint %d", where, c.index(), seq)
                        .isEqualTo(Arrays.copyOfRange(image, c.index() * PAGE, (c.index() + 1) * PAGE));
            }
        }
    }

    private static List<Digest> leavesOf(byte[] image) {
        List<Digest> leaves = new ArrayList<>();
        for (int at = 0; at < image.length; at += PAGE) {
            leaves.add(MerkleTree.leafHash(Arrays.copyOfRange(image, at, at + PAGE)));
        }
        return leaves;
    }

    private static int savedPages(Path directory, long seq) throws IOException {
        try (CheckpointPages pages = CheckpointPages.read(CheckpointPages.fileOf(directory, seq), PAGE)) {
            return pages.savedCount();
        }
    }

    /** What a power cut at this moment leaves: the files, without the in-memory wal-index and the lock. */
    private void crashCopy(String from, String to) throws IOException {
        Path source = directory.resolve(from);
        Path target = Files.createDirectories(directory.resolve(to));
        try (Stream<Path> files = Files.list(source)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (!name.endsWith("-shm") && !name.endsWith(".owner")) {
                    Files.copy(file, target.resolve(name));
                }
            }
        }
    }

    @Test
    void aCrashAtAnyStepOfACheckpointRecoversTheSameDigestsAndKeptPages() throws Exception {
        Workload workload = new Workload(20261201);
        SqlStateMachine m = open("live");
        m.execute(batch(1, false, Workload.schema()));
        TreeMap<Long, byte[]> images = new TreeMap<>();
        List<Execute> batches = new ArrayList<>();
        for (long seq = 2; seq <= 24; seq++) {
            batches.add(batch(seq, workload));
        }
        for (Execute e : batches.subList(0, 10)) { // up to seq 11: checkpoints 4 and 8 kept
            StateMachine.Result r = m.execute(e);
            if (r.stateDigest() != null) {
                images.put(e.seq(), Files.readAllBytes(directory.resolve("live/state.db")));
            }
        }
        m.close();
        open.remove(m);
        m = open("live"); // the close saved pages of checkpoint 8 and folded: the file is past it
        Execute twelve = batches.get(10);
        m.execute(new Execute(twelve.seq(), 0, twelve.timeMillis(), twelve.seed(), twelve.requests(), false));
        SqlDatabase database = m.database();
        Files.write(directory.resolve("live/checkpoint-12.pages.tmp"), new byte[] {1, 2}); // a crash while writing one
        Files.write(directory.resolve("live/checkpoint-8.db.tmp"), new byte[] {3}); // and while copying one
        crashCopy("live", "before-saving");
        Digest twelveDigest = m.checkpointStore().fold(12, database.pageCount(), () -> {
            try {
                crashCopy("live", "saved-not-folded");
                database.foldLog();
                crashCopy("live", "folded-not-kept");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        images.put(12L, Files.readAllBytes(directory.resolve("live/state.db")));
        assertThat(twelveDigest).isEqualTo(PageImage.of(directory.resolve("live/state.db"), PAGE).root());
        Map<Long, Digest> expected = new TreeMap<>(Map.of(12L, twelveDigest));
        for (Execute e : batches.subList(11, batches.size())) {
            StateMachine.Result r = m.execute(e);
            if (r.stateDigest() != null) {
                expected.put(e.seq(), r.stateDigest());
            }
        }
        for (String crash : List.of("before-saving", "saved-not-folded", "folded-not-kept")) {
            SqlStateMachine recovered = open(crash);
            assertThat(recovered.position().seq()).as(crash).isEqualTo(12);
            assertThat(recovered.position().checkpointDigest()).as(crash + ": the checkpoint taken on recovery")
                    .isEqualTo(twelveDigest);
            assertKeptCheckpointsServe(recovered, images, crash);
            Map<Long, Digest> digests = new TreeMap<>(Map.of(12L, twelveDigest));
            for (Execute e : batches.subList(11, batches.size())) {
                StateMachine.Result r = recovered.execute(e);
                if (r.stateDigest() != null) {
                    digests.put(e.seq(), r.stateDigest());
                }
            }
            assertThat(digests).as(crash).isEqualTo(expected);
            recovered.awaitCheckpointCopies();
            try (Stream<Path> files = Files.list(directory.resolve(crash))) {
                assertThat(files.map(f -> f.getFileName().toString())).as(crash + ": leftovers removed")
                        .noneMatch(n -> n.endsWith(".tmp"));
            }
        }
    }

    @Test
    void aReplicaWithALargerDatabaseInstallsASmallerCheckpointAndAgreesAfterwards() throws Exception {
        SqlStateMachine source = open("source");
        SqlStateMachine larger = open("larger");
        List<Execute> batches = new ArrayList<>();
        batches.add(batch(1, false, Workload.schema()));
        Workload workload = new Workload(42);
        for (long seq = 2; seq <= 16; seq++) {
            batches.add(batch(seq, workload));
        }
        for (Execute e : batches.subList(0, 8)) {
            source.execute(e);
        }
        larger.execute(batch(1, false, Workload.schema()));
        for (long seq = 2; seq <= 4; seq++) { // a different history, with a much larger file
            larger.execute(batch(seq, seq % K == 0, "INSERT INTO w0 (k, b) VALUES (" + seq + ", randomblob(1000000))"));
        }
        long sourceBytes = Files.size(directory.resolve("source/state.db"));
        assertThat(Files.size(directory.resolve("larger/state.db"))).isGreaterThan(2 * sourceBytes);
        byte[] image = Files.readAllBytes(directory.resolve("source/state.db"));

        StateManifest manifest = (StateManifest) source.serve(8, List.of()).get(0);
        Map<Integer, byte[]> fetched = new HashMap<>();
        for (Message chunk : source.serve(8, larger.missingChunks(manifest.leaves()))) {
            fetched.put(((StateChunk) chunk).index(), ((StateChunk) chunk).data());
        }
        larger.install(8, manifest.leaves(), fetched);
        assertThat(Files.readAllBytes(directory.resolve("larger/state.db"))).isEqualTo(image);
        assertThat(larger.position().checkpointDigest()).isEqualTo(source.position().checkpointDigest());
        assertThat(larger.serve(4, List.of())).as("checkpoints of the replaced file are dropped").isEmpty();
        for (Execute e : batches.subList(8, batches.size())) {
            StateMachine.Result fromSource = source.execute(e);
            StateMachine.Result fromLarger = larger.execute(e);
            assertThat(fromLarger.stateDigest()).as("seq %d", e.seq()).isEqualTo(fromSource.stateDigest());
        }
        larger = restart(larger, "larger");
        assertThat(larger.position().checkpointDigest()).isEqualTo(source.position().checkpointDigest());
    }

    @Test
    void wholeCopiesOfTheNewestCheckpointsAreWrittenForBackups() throws Exception {
        Workload workload = new Workload(5);
        SqlStateMachine m = open("a");
        m.execute(batch(1, false, Workload.schema()));
        Map<Long, byte[]> images = new TreeMap<>();
        for (long seq = 2; seq <= 20; seq++) {
            if (m.execute(batch(seq, workload)).stateDigest() != null) {
                images.put(seq, Files.readAllBytes(directory.resolve("a/state.db")));
                m.awaitCheckpointCopies(); // one at a time: an export still running when the next is due skips a checkpoint
            }
        }
        for (long seq : List.of(12L, 16L, 20L)) {
            assertThat(Files.readAllBytes(directory.resolve("a/checkpoint-" + seq + ".db"))).as("copy of %d", seq)
                    .isEqualTo(images.get(seq));
        }
        assertThat(directory.resolve("a/checkpoint-8.db")).as("only the newest copies are kept").doesNotExist();
    }

    @Test
    void checkpointsDueWhileACopyRunsLeaveTheNewestCopied() throws Exception {
        Workload workload = new Workload(6);
        SqlStateMachine m = open("a");
        m.execute(batch(1, false, Workload.schema()));
        Map<Long, byte[]> images = new TreeMap<>();
        for (long seq = 2; seq <= 40; seq++) { // no waiting: copies fall behind and the waiting one is replaced
            if (m.execute(batch(seq, workload)).stateDigest() != null) {
                images.put(seq, Files.readAllBytes(directory.resolve("a/state.db")));
            }
        }
        m.awaitCheckpointCopies();
        List<Long> copied;
        try (var files = Files.list(directory.resolve("a"))) {
            copied = files.map(f -> CheckpointExports.exportSeq(f.getFileName().toString())).filter(s -> s >= 0)
                    .sorted().toList();
        }
        assertThat(copied).as("the newest checkpoint is always copied").contains(40L)
                .hasSizeLessThanOrEqualTo(CheckpointExports.EXPORTS_KEPT);
        for (long seq : copied) {
            assertThat(Files.readAllBytes(directory.resolve("a/checkpoint-" + seq + ".db"))).as("copy of %d", seq)
                    .isEqualTo(images.get(seq));
        }
    }

    @Test
    void largerDatabasesAreCopiedAtRarerCheckpointsWithinAFixedAverageCost() {
        int interval = 128;
        for (long seq = interval; seq <= 64L * interval; seq += interval) {
            assertThat(CheckpointExports.due(seq, interval, 1)).isTrue();
            assertThat(CheckpointExports.due(seq, interval, CheckpointExports.PAGES_PER_CHECKPOINT)).isTrue();
        }
        int gib = (1 << 30) / PAGE;
        assertThat(CheckpointExports.due(1024L * interval, interval, gib)).isTrue();
        assertThat(CheckpointExports.due(512L * interval, interval, gib)).isFalse();
        for (int pages = 1; pages <= 1 << 20; pages = pages * 3 + 1) { // spacings up to 4,096 checkpoints
            int copies = 0;
            int checkpoints = 4096;
            for (long n = 1; n <= checkpoints; n++) {
                copies += CheckpointExports.due(n * interval, interval, pages) ? 1 : 0;
            }
            assertThat((double) copies * pages / checkpoints).as("pages copied per checkpoint at %d pages", pages)
                    .isLessThanOrEqualTo(Math.max(pages, CheckpointExports.PAGES_PER_CHECKPOINT));
            assertThat(copies).as("at %d pages", pages).isPositive();
        }
    }
}
