package io.bastion.sql;

import io.bastion.core.TestKeys;
import io.bastion.core.crypto.Digest;
import io.bastion.core.execution.StateMachine;
import io.bastion.core.message.Codec;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.core.replica.Execute;
import io.bastion.core.session.SessionRequests;
import io.bastion.core.session.TestJoins;
import io.bastion.sql.determinism.SqlGuard;
import io.bastion.sql.determinism.SqliteDatabase;
import io.bastion.sql.determinism.SqliteSettings;
import io.bastion.sql.determinism.RequestBudget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.bastion.sql.BudgetService.GROWING;
import static io.bastion.sql.BudgetService.NEVER_ENDING;
import static io.bastion.sql.BudgetService.NEVER_ENDING_WRITE;
import static io.bastion.sql.BudgetService.OVER_BUDGET;
import static io.bastion.sql.BudgetService.OVER_GROWTH;
import static io.bastion.sql.BudgetService.STEPS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request over its budget, in the state machine: it fails alone with an error naming the limit,
 * the rest of its batch commits, every replica answers and stores the same, and applying the batch
 * again after a restart gives the same again.
 */
class SqlBudgetTest {
    private static final int K = 4;
    private static final long T = 1_767_225_600_000L;
    private static final String INSERT = "INSERT INTO t(v) VALUES ('%s')";

    @TempDir
    Path directory;
    private final List<SqlStateMachine> machines = new ArrayList<>();
    private long requestNumber = 1;

    @AfterEach
    void close() {
        machines.forEach(SqlStateMachine::close);
    }

    private SqlStateMachine machine(String name) {
        SqlStateMachine m = new SqlStateMachine(0, TestKeys.signer(0), new BudgetService(), directory.resolve(name),
                SqlDatabase.Mode.DURABLE, K, SessionRequests.of(TestKeys.cluster(1, 0), TestKeys.VERIFIER));
        machines.add(m);
        return m;
    }

    private Execute batch(long seq, String... operations) {
        List<Envelope<Request>> requests = new ArrayList<>();
        for (String op : operations) {
            long client = 1000 + requests.size();
            requests.add(Envelope.sign(new Request(client, requestNumber++, false, op.getBytes(StandardCharsets.UTF_8)),
                    TestKeys.signer(client)));
        }
        return batchOf(seq, requests);
    }

    private static Execute batchOf(long seq, List<Envelope<Request>> requests) {
        return new Execute(seq, 0, T + seq * 1000, seq * 31, requests, seq % K == 0);
    }

    private static List<String> replies(StateMachine.Result result) {
        return result.replies().stream().map(r -> text(r.result())).toList();
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static String read(SqlStateMachine m, String sql) {
        Envelope<Request> read = Envelope.sign(new Request(1, 1, true, sql.getBytes(StandardCharsets.UTF_8)), TestKeys.signer(1));
        return text(m.query(read, 0).result());
    }

    private static String insert(String value) {
        return INSERT.formatted(value);
    }

    @Test
    void aQueryThatNeverEndsFailsAloneAndTheRestOfItsBatchCommits() {
        SqlStateMachine m = machine("a");
        StateMachine.Result r = m.execute(batch(1, insert("a"), NEVER_ENDING, insert("b")));
        assertThat(replies(r)).containsExactly("1", OVER_BUDGET, "1");
        assertThat(read(m, "SELECT group_concat(v) FROM t")).isEqualTo("a,b");
    }

    @Test
    void aWriteThatNeverEndsFailsAloneThoughSqliteRollsBackItsWholeBatch() {
        SqlStateMachine m = machine("a");
        StateMachine.Result r = m.execute(batch(1, insert("a"), NEVER_ENDING_WRITE, insert("b"), NEVER_ENDING_WRITE,
                insert("c")));
        assertThat(replies(r)).containsExactly("1", OVER_BUDGET, "1", OVER_BUDGET, "1");
        assertThat(read(m, "SELECT group_concat(v) FROM t")).isEqualTo("a,b,c");
        assertThat(m.position().seq()).isEqualTo(1);
    }

    @Test
    void aRequestThatWouldGrowTheDatabaseTooMuchFailsAloneWithAStatementOfManyRowsOrOfOne() {
        SqlStateMachine m = machine("a");
        StateMachine.Result r = m.execute(batch(1, insert("a"), GROWING, insert("b"),
                "INSERT INTO t(v) VALUES (zeroblob(" + (BudgetService.GROWTH + (1 << 20)) + "))", insert("c")));
        assertThat(replies(r)).containsExactly("1", OVER_GROWTH, "1", OVER_GROWTH, "1");
        assertThat(read(m, "SELECT group_concat(v) FROM t")).isEqualTo("a,b,c");
    }

    @Test
    void aServiceThatCatchesTheBudgetErrorStillFailsAndCanWriteNothingMore() {
        SqlStateMachine m = machine("a");
        StateMachine.Result r = m.execute(batch(1, insert("a"), "swallow " + NEVER_ENDING, "swallow " + NEVER_ENDING_WRITE,
                insert("b")));
        assertThat(replies(r)).containsExactly("1", OVER_BUDGET, OVER_BUDGET, "1");
        assertThat(read(m, "SELECT group_concat(v) FROM t")).isEqualTo("a,b");
    }

    @Test
    void replicasGiveTheSameRepliesAndFilesAndAReplayAfterARestartFailsTheSameWay() throws IOException {
        List<Execute> batches = List.of(
                batch(1, insert("a"), insert("b")),
                batch(2, insert("c"), NEVER_ENDING_WRITE, insert("d"), NEVER_ENDING, "swallow " + NEVER_ENDING_WRITE,
                        "UPDATE t SET v = v || '!' WHERE id = 1", GROWING),
                batch(3, insert("e"), "SELECT count(*) FROM t"));
        // where the budget stopped a request, the reference fails with the same words instead
        String fail = "throw " + OVER_BUDGET.substring("error: ".length());
        String failGrowth = "throw " + OVER_GROWTH.substring("error: ".length());
        List<Execute> reference = List.of(batches.get(0),
                substitute(batches.get(1), Map.of(1, fail, 3, fail, 4, fail, 6, failGrowth)), batches.get(2));

        SqlStateMachine steady = machine("steady");
        SqlStateMachine restarted = machine("restarted");
        SqlStateMachine referenceReplica = machine("reference");
        List<List<String>> steadyReplies = new ArrayList<>();
        for (int i = 0; i < batches.size(); i++) {
            steadyReplies.add(replies(steady.execute(batches.get(i))));
            if (i == 0) { // restarts just before the batch with the requests over budget
                restarted.close();
                machines.remove(restarted);
                restarted = machine("restarted");
            }
            assertThat(replies(restarted.execute(batches.get(i)))).isEqualTo(steadyReplies.get(i));
            assertThat(replies(referenceReplica.execute(reference.get(i)))).isEqualTo(steadyReplies.get(i));
        }
        assertThat(steadyReplies.get(1)).containsExactly("1", OVER_BUDGET, "1", OVER_BUDGET, OVER_BUDGET, "1", OVER_GROWTH);
        assertThat(steadyReplies.get(2)).containsExactly("1", "5");
        assertThat(sha256(restarted)).isEqualTo(sha256(steady));
        assertThat(sha256(referenceReplica)).as("the requests stopped left no trace but their replies")
                .isEqualTo(sha256(steady));
    }

    @Test
    void applyingTheBatchAgainOnTheReopenedDatabaseGivesTheSameRepliesAndFile() throws IOException {
        SqlStateMachine m = machine("a");
        m.execute(batch(1, insert("a")));
        m.close();
        machines.remove(m);
        copyDirectory(directory.resolve("a"), directory.resolve("a-before"));
        m = machine("a");
        Execute poisoned = batch(2, insert("b"), NEVER_ENDING_WRITE, insert("c"));
        List<String> first = replies(m.execute(poisoned));

        SqlStateMachine again = machine("a-before"); // as after a crash before batch 2 committed
        assertThat(again.position().seq()).isEqualTo(1);
        assertThat(replies(again.execute(poisoned))).isEqualTo(first).containsExactly("1", OVER_BUDGET, "1");
        assertThat(sha256(again)).isEqualTo(sha256(m));
    }

    @Test
    void aRequestWithinItsBudgetRunsAndOneJustOverIsStopped() throws SQLException {
        long under = rowsTaking(STEPS - 2L * RequestBudget.STEPS_PER_CHECK);
        long over = rowsTaking(STEPS + 2L * RequestBudget.STEPS_PER_CHECK);
        assertThat(stepsOf(counting(under))).isLessThanOrEqualTo(STEPS);
        assertThat(stepsOf(counting(over))).isGreaterThan(STEPS);

        SqlStateMachine m = machine("a");
        StateMachine.Result r = m.execute(batch(1, counting(under), counting(over)));
        assertThat(replies(r)).containsExactly(Long.toString(under), OVER_BUDGET);
    }

    private static String counting(long rows) {
        return "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < " + rows + ") SELECT count(*) FROM c";
    }

    /** How many rows {@link #counting} may count in about {@code steps} steps, from two measurements. */
    private long rowsTaking(long steps) throws SQLException {
        long small = stepsOf(counting(10_000));
        long large = stepsOf(counting(60_000));
        double perRow = (large - small) / 50_000.0;
        return 10_000 + (long) ((steps - small) / perRow);
    }

    /** The steps {@code sql} takes as a request of its own, on a scratch database. */
    private long stepsOf(String sql) throws SQLException {
        try (SqliteDatabase scratch = SqliteSettings.open(Files.createTempFile(directory, "scratch", ".db"), false)) {
            scratch.clock().set(T, 1);
            scratch.budget().start(1_000_000_000L, SqlBudget.GROWTH_BYTES_DEFAULT);
            Connection guarded = SqlGuard.wrap(scratch.connection(), scratch.budget());
            scratch.runCounted(() -> {
                try (Statement s = guarded.createStatement(); ResultSet rows = s.executeQuery(sql)) {
                    return rows.next();
                }
            });
            return scratch.budget().stepsUsed();
        } catch (IOException e) {
            throw new SQLException(e);
        }
    }

    @Test
    void readsThatNeverEndAreStoppedOrderedOrNot() {
        SqlStateMachine m = machine("a");
        m.execute(batch(1, insert("a")));
        assertThat(read(m, NEVER_ENDING)).isEqualTo(OVER_BUDGET);
        assertThat(read(m, "SELECT count(*) FROM t")).isEqualTo("1");

        List<Envelope<Request>> requests = List.of(
                Envelope.sign(new Request(1000, 50, Request.Kind.ORDERED_READ, NEVER_ENDING.getBytes(StandardCharsets.UTF_8)),
                        TestKeys.signer(1000)),
                Envelope.sign(new Request(1001, 50, Request.Kind.WRITE, insert("b").getBytes(StandardCharsets.UTF_8)),
                        TestKeys.signer(1001)));
        assertThat(replies(m.execute(batchOf(2, requests)))).containsExactly(OVER_BUDGET, "1");
        assertThat(read(m, "SELECT count(*) FROM t")).isEqualTo("2");
    }

    @Test
    void valuesLongerThanTheLengthLimitAreRefusedBeforeTheyAreMade() {
        SqlStateMachine m = machine("a");
        StateMachine.Result r = m.execute(batch(1, "SELECT zeroblob(1000000000)",
                "SELECT length(printf('%.*c', 2000000000, 'x'))", insert("a")));
        String lengthError = "error: request exceeded the length limit of " + SqlBudget.DEFAULTS.lengthBytes()
                + " bytes per string, blob or row, or 1048576 bytes per statement ([SQLITE_TOOBIG]";
        assertThat(replies(r).get(0)).startsWith(lengthError);
        assertThat(replies(r).get(1)).startsWith(lengthError);
        assertThat(replies(r).get(2)).isEqualTo("1");
    }

    @Test
    void aReplyTooLongForTheReplyCacheFailsItsRequest() {
        SqlStateMachine m = machine("a");
        int tooLong = SqlBudget.DEFAULTS.replyBytesMax() + 1;
        StateMachine.Result r = m.execute(batch(1, "reply " + tooLong, "reply 10"));
        assertThat(replies(r).get(0)).isEqualTo("error: the reply of " + tooLong + " bytes exceeds the reply limit of "
                + SqlBudget.DEFAULTS.replyBytesMax() + " bytes");
        assertThat(r.replies().get(1).result()).hasSize(10);
        assertThat(read(m, "SELECT count(*) FROM t")).isEqualTo("1");
    }

    @Test
    void joinsAndEndedSessionsRunWithinTheBudgetAndTheAgreedTime() throws Exception {
        SqlStateMachine m = machine("a"); // just opened: nothing has set the connection's clock yet
        StateMachine.Result joined = m.execute(batchOf(1, List.of(TestJoins.join(7001, "hog", T + 60_000))));
        assertThat(joined.replies().get(0).status()).isEqualTo(Reply.Status.OK);
        long hog = Codec.decodeJoinResult(joined.replies().get(0).result()).clientId();
        StateMachine.Result who = m.execute(batchOf(2, List.of(TestJoins.request(hog, 7001, 1, Request.Kind.WRITE, "whoami"))));
        assertThat(replies(who)).as("authorize read the Join's agreed time").containsExactly("hog@2026-01-01");

        // the hog's second Join ends its first session, and sessionEnded writes forever
        StateMachine.Result second = m.execute(batchOf(3, List.of(
                Envelope.sign(new Request(1000, requestNumber++, false, insert("x").getBytes(StandardCharsets.UTF_8)),
                        TestKeys.signer(1000)),
                TestJoins.join(7002, "hog", T + 60_000),
                TestJoins.join(7003, "slow", T + 60_000),
                Envelope.sign(new Request(1001, requestNumber++, false, insert("y").getBytes(StandardCharsets.UTF_8)),
                        TestKeys.signer(1001)))));
        assertThat(second.replies()).extracting(Reply::status)
                .containsExactly(Reply.Status.OK, Reply.Status.REFUSED, Reply.Status.REFUSED, Reply.Status.OK);
        String refused = "authorization failed: " + OVER_BUDGET.substring("error: ".length());
        assertThat(replies(second).subList(1, 3)).containsOnly(refused);
        assertThat(m.liveSessions()).extracting(s -> s.clientId()).containsExactly(hog);
        assertThat(read(m, "SELECT group_concat(v) FROM t")).isEqualTo("x,y");
    }

    /** The same batch with the operations at some positions replaced, same clients and request numbers. */
    private static Execute substitute(Execute original, Map<Integer, String> operations) {
        List<Envelope<Request>> requests = new ArrayList<>(original.requests());
        operations.forEach((position, operation) -> {
            Request r = requests.get(position).message();
            requests.set(position, Envelope.sign(new Request(r.clientId(), r.requestNumber(), false,
                    operation.getBytes(StandardCharsets.UTF_8)), TestKeys.signer(r.clientId())));
        });
        return new Execute(original.seq(), original.view(), original.timeMillis(), original.seed(), requests,
                original.checkpoint());
    }

    private static Digest sha256(SqlStateMachine m) throws IOException {
        return Digest.sha256(Files.readAllBytes(m.databaseFile()));
    }

    private static void copyDirectory(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                if (!file.getFileName().toString().endsWith(".owner")) {
                    Files.copy(file, to.resolve(file.getFileName()));
                }
            }
        }
    }
}
