package io.bastion.sql;

import io.bastion.core.session.SessionRequests;
import io.bastion.core.session.TestJoins;
import io.bastion.core.TestKeys;
import io.bastion.core.crypto.Digest;
import io.bastion.core.execution.StateMachine;
import io.bastion.core.message.Codec;
import io.bastion.core.message.Message;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.StateChunk;
import io.bastion.core.message.StateManifest;
import io.bastion.core.replica.Execute;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SqlStateMachineTest {
    private static final int K = 4;

    @TempDir
    Path directory;

    private final List<SqlStateMachine> machines = new ArrayList<>();
    private long requestNumber = 1;

    @AfterEach
    void close() {
        machines.forEach(SqlStateMachine::close);
    }

    private SqlStateMachine machine(String name) {
        SqlStateMachine m = new SqlStateMachine(0, TestKeys.signer(0), new AccountsService(), directory.resolve(name),
                SqlDatabase.Mode.DURABLE, K, SessionRequests.of(TestKeys.cluster(1, 0), TestKeys.VERIFIER));
        machines.add(m);
        return m;
    }

    private Execute batch(long seq, String... operations) {
        List<Envelope<Request>> requests = new ArrayList<>();
        for (String op : operations) {
            requests.add(Envelope.sign(new Request(1000 + requests.size(), requestNumber++, false,
                    op.getBytes(StandardCharsets.UTF_8)), TestKeys.signer(1000)));
        }
        return new Execute(seq, 0, 1_767_225_600_000L + seq * 1000, seq * 31, requests, seq % K == 0);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void aFailingRequestIsRolledBackAloneAndItsClientGetsTheError() {
        SqlStateMachine m = machine("a");
        StateMachine.Result r = m.execute(batch(1, "open alice", "fail", "deposit alice 5", "deposit bob 1"));
        assertThat(r.replies()).extracting(reply -> text(reply.result()))
                .containsExactly("ok", "error: deliberate failure", "ok", "error: no account bob");
        Envelope<Request> ask = Envelope.sign(new Request(1, 99, true, "balance alice".getBytes()), TestKeys.signer(1));
        assertThat(text(m.query(ask, 0).result())).isEqualTo("5");
        Envelope<Request> doomed = Envelope.sign(new Request(1, 100, true, "balance doomed".getBytes()), TestKeys.signer(1));
        assertThat(text(m.query(doomed, 0).result())).isEqualTo("none");
    }

    @Test
    void aReadThatWritesAndAStatementThatLeavesTheDatabaseAreRefusedAndChangeNothing() throws Exception {
        SqlStateMachine m = machine("a");
        m.execute(batch(1, "open alice", "deposit alice 5"));
        Path elsewhere = directory.resolve("elsewhere.db");
        StateMachine.Result r = m.execute(batch(2, "escape " + elsewhere));
        assertThat(text(r.replies().get(0).result())).startsWith("error: ").contains("ATTACH");
        assertThat(elsewhere).doesNotExist();

        Envelope<Request> sneak = Envelope.sign(new Request(1, 99, true, "sneak alice".getBytes()), TestKeys.signer(1));
        assertThat(text(m.query(sneak, 0).result())).startsWith("error: ");
        List<Envelope<Request>> ordered = List.of(Envelope.sign(new Request(1001, 50, Request.Kind.ORDERED_READ,
                "sneak alice".getBytes()), TestKeys.signer(1001)));
        StateMachine.Result o = m.execute(new Execute(3, 0, 1_767_225_603_000L, 3, ordered, false));
        assertThat(text(o.replies().get(0).result())).startsWith("error: ");
        Envelope<Request> ask = Envelope.sign(new Request(1, 100, true, "balance alice".getBytes()), TestKeys.signer(1));
        assertThat(text(m.query(ask, 0).result())).isEqualTo("5");
    }

    @Test
    void anOrderedReadSeesTheWritesOrderedBeforeItAndIsAnsweredByQuery() {
        SqlStateMachine m = machine("a");
        m.execute(batch(1, "open alice"));
        List<Envelope<Request>> requests = List.of(
                Envelope.sign(new Request(1000, 50, Request.Kind.WRITE, "deposit alice 5".getBytes()), TestKeys.signer(1000)),
                Envelope.sign(new Request(1001, 50, Request.Kind.ORDERED_READ, "balance alice".getBytes()),
                        TestKeys.signer(1001)),
                Envelope.sign(new Request(1002, 50, Request.Kind.WRITE, "deposit alice 2".getBytes()), TestKeys.signer(1002)));
        StateMachine.Result r = m.execute(new Execute(2, 0, 1_767_225_602_000L, 2, requests, false));
        assertThat(r.replies()).extracting(reply -> text(reply.result())).containsExactly("ok", "5", "ok");
        assertThat(text(m.cachedReply(1001, 50, 0).result())).isEqualTo("5");
    }

    @Test
    void replicasApplyingTheSameBatchesHaveIdenticalFilesAndDigests() throws Exception {
        List<SqlStateMachine> replicas = List.of(machine("r0"), machine("r1"), machine("r2"), machine("r3"));
        List<Execute> batches = new ArrayList<>();
        batches.add(batch(1, "open a", "open b"));
        for (long seq = 2; seq <= 12; seq++) {
            batches.add(batch(seq, "deposit a " + seq, "stamp a", "fail", "deposit b 1"));
        }
        List<Digest> digests = new ArrayList<>();
        for (SqlStateMachine m : replicas) {
            Digest last = null;
            for (Execute e : batches) {
                StateMachine.Result r = m.execute(e);
                if (r.stateDigest() != null) {
                    last = r.stateDigest();
                }
            }
            digests.add(last);
        }
        assertThat(digests).doesNotContainNull().containsOnly(digests.get(0));
        Digest file = Digest.sha256(Files.readAllBytes(replicas.get(0).databaseFile()));
        for (SqlStateMachine m : replicas) {
            assertThat(Digest.sha256(Files.readAllBytes(m.databaseFile()))).isEqualTo(file);
        }
    }

    @Test
    void aReplicaThatRanForAWhilePlansQueriesAsOneThatJustRestarted() {
        String query = "SELECT * FROM s WHERE a = 'a1' AND b = 1";
        List<Execute> batches = List.of(
                batch(1, "CREATE TABLE s(id INTEGER PRIMARY KEY, a TEXT, b INTEGER);\nCREATE INDEX by_a ON s(a);\n"
                        + "CREATE INDEX by_b ON s(b);\nINSERT INTO s(a, b) WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL "
                        + "SELECT x + 1 FROM c WHERE x < 2000) SELECT 'a' || (x % 3), x FROM c;\n"
                        + "ANALYZE;\nUPDATE s SET a = 'a' || id, b = id % 2"), // the statistics now mislead
                batch(2, "ANALYZE;\nINSERT INTO no_such_table VALUES (1)"), // new statistics, rolled back
                batch(3, "plan " + query));
        SqlStateMachine steady = new SqlStateMachine(0, TestKeys.signer(0), new BudgetService(), directory.resolve("steady"),
                SqlDatabase.Mode.DURABLE, K, SessionRequests.of(TestKeys.cluster(1, 0), TestKeys.VERIFIER));
        machines.add(steady);
        List<String> steadyPlans = new ArrayList<>();
        for (Execute e : batches) {
            steadyPlans.add(text(steady.execute(e).replies().get(0).result()));
        }
        steady.close();
        machines.remove(steady);
        SqlStateMachine restarted = new SqlStateMachine(0, TestKeys.signer(0), new BudgetService(),
                directory.resolve("steady"), SqlDatabase.Mode.DURABLE, K,
                SessionRequests.of(TestKeys.cluster(1, 0), TestKeys.VERIFIER));
        machines.add(restarted);
        Execute again = batch(4, "plan " + query);
        assertThat(text(restarted.execute(again).replies().get(0).result())).isEqualTo(steadyPlans.get(2))
                .contains("INDEX by_b");
    }

    @Test
    void theRepliesAndThePositionSurviveARestart() {
        SqlStateMachine m = machine("a");
        m.execute(batch(1, "open alice"));
        m.execute(batch(2, "deposit alice 7"));
        long last = requestNumber - 1;
        m.close();
        machines.remove(m);
        SqlStateMachine reopened = machine("a");
        StateMachine.Position position = reopened.position();
        assertThat(position.seq()).isEqualTo(2);
        assertThat(position.lastAgreedTime()).isEqualTo(1_767_225_600_000L + 2000);
        assertThat(position.clientTable()).containsEntry(1000L, last);
        assertThat(text(reopened.cachedReply(1000, last, 3).result())).isEqualTo("ok");
        assertThat(reopened.cachedReply(1000, last - 1, 3)).isNull();
    }

    @Test
    void aReplicaFetchesOnlyThePagesItLacksAndEndsWithTheSameDatabase() throws Exception {
        SqlStateMachine source = machine("source");
        SqlStateMachine behind = machine("behind");
        List<Execute> batches = new ArrayList<>();
        batches.add(batch(1, "open a"));
        for (long seq = 2; seq <= 8; seq++) {
            batches.add(batch(seq, "deposit a " + seq, "stamp x"));
        }
        for (Execute e : batches) {
            source.execute(e);
        }
        for (Execute e : batches.subList(0, 4)) { // the replica that fell behind has the first checkpoint
            behind.execute(e);
        }
        StateManifest manifest = (StateManifest) source.serve(8, List.of()).get(0);
        List<Integer> missing = behind.missingChunks(manifest.leaves());
        assertThat(missing).isNotEmpty().hasSizeLessThan(manifest.leaves().size());
        Map<Integer, byte[]> fetched = new HashMap<>();
        for (Message m : source.serve(8, missing)) {
            StateChunk chunk = (StateChunk) m;
            fetched.put(chunk.index(), chunk.data());
        }
        StateMachine.Installed installed = behind.install(8, manifest.leaves(), fetched);
        assertThat(installed.seq()).isEqualTo(8);
        source.awaitCheckpointCopies();
        assertThat(Digest.sha256(Files.readAllBytes(behind.databaseFile())))
                .isEqualTo(Digest.sha256(Files.readAllBytes(directory.resolve("source/checkpoint-8.db"))));
        assertThat(behind.position().clientTable()).isEqualTo(source.position().clientTable());
    }

    @Test
    void anInterruptedInstallLeavesTheOldDatabase() throws Exception {
        SqlStateMachine m = machine("a");
        m.execute(batch(1, "open alice"));
        m.close();
        machines.remove(m);
        Files.write(directory.resolve("a/state.db.install"), new byte[] {1, 2, 3}); // a crash mid-transfer
        SqlStateMachine reopened = machine("a");
        assertThat(reopened.position().seq()).isEqualTo(1);
    }

    private static final long T = 1_767_225_600_000L;

    private static long joinedId(StateMachine.Result r) throws Exception {
        assertThat(r.replies().get(0).status()).as(text(r.replies().get(0).result())).isEqualTo(Reply.Status.OK);
        return Codec.decodeJoinResult(r.replies().get(0).result()).clientId();
    }

    private static Execute batchOf(long seq, List<Envelope<Request>> requests) {
        return new Execute(seq, 0, T + seq * 1000, seq, requests, seq % K == 0);
    }

    @Test
    void sessionsLiveInTheDatabaseSurviveARestartAndTravelWithStateTransfer() throws Exception {
        SqlStateMachine m = machine("a");
        long alice = joinedId(m.execute(batchOf(1, List.of(TestJoins.join(7001, "alice", T + 60_000)))));
        StateMachine.Result note = m.execute(batchOf(2, List.of(
                TestJoins.request(alice, 7001, 1, Request.Kind.WRITE, "note hello"))));
        assertThat(note.replies().get(0).status()).isEqualTo(Reply.Status.OK);
        m.close();
        machines.remove(m);

        SqlStateMachine reopened = machine("a");
        assertThat(reopened.liveSessions()).extracting(s -> s.identity()).containsExactly("alice");
        StateMachine.Result who = reopened.execute(batchOf(3, List.of(
                TestJoins.request(alice, 7001, 2, Request.Kind.WRITE, "whoami"))));
        assertThat(text(who.replies().get(0).result())).isEqualTo("alice 1");
        StateMachine.Result again = reopened.execute(batchOf(4, List.of(
                TestJoins.request(alice, 7001, 2, Request.Kind.WRITE, "whoami"))));
        assertThat(text(again.replies().get(0).result())).as("a retransmission ordered again gets the same reply")
                .isEqualTo("alice 1");

        SqlStateMachine fresh = machine("b");
        StateManifest manifest = (StateManifest) reopened.serve(4, List.of()).get(0);
        Map<Integer, byte[]> fetched = new HashMap<>();
        for (Message chunk : reopened.serve(4, fresh.missingChunks(manifest.leaves()))) {
            fetched.put(((StateChunk) chunk).index(), ((StateChunk) chunk).data());
        }
        fresh.install(4, manifest.leaves(), fetched);
        assertThat(fresh.liveSessions()).isEqualTo(reopened.liveSessions());
        StateMachine.Result there = fresh.execute(batchOf(5, List.of(
                TestJoins.request(alice, 7001, 3, Request.Kind.WRITE, "whoami"))));
        assertThat(text(there.replies().get(0).result())).isEqualTo("alice 1");
    }

    @Test
    void aSecondLoginEndsTheFirstSessionAndItsRowsGoWithIt() throws Exception {
        SqlStateMachine m = machine("a");
        long phone = joinedId(m.execute(batchOf(1, List.of(TestJoins.join(7001, "bob", T + 60_000)))));
        m.execute(batchOf(2, List.of(TestJoins.request(phone, 7001, 1, Request.Kind.WRITE, "note one"))));
        StateMachine.Result second = m.execute(batchOf(3, List.of(TestJoins.join(7002, "bob", T + 60_000))));
        long laptop = joinedId(second);
        assertThat(second.forgotten()).contains(phone);
        StateMachine.Result old = m.execute(batchOf(4, List.of(
                TestJoins.request(phone, 7001, 2, Request.Kind.WRITE, "whoami"))));
        assertThat(old.replies().get(0).status()).isEqualTo(Reply.Status.REFUSED);
        StateMachine.Result now = m.execute(batchOf(5, List.of(
                TestJoins.request(laptop, 7002, 1, Request.Kind.WRITE, "whoami"))));
        assertThat(text(now.replies().get(0).result())).as("the first session's note was deleted with it")
                .isEqualTo("bob 0");
        try (var s = m.connectionForReading().createStatement();
             var rs = s.executeQuery("SELECT count(*) FROM note")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
        m.connectionForReading().rollback();
        StateMachine.Result refused = m.execute(batchOf(6, List.of(TestJoins.join(7003, "nobody", T + 60_000))));
        assertThat(refused.replies().get(0).status()).isEqualTo(Reply.Status.REFUSED);
        assertThat(text(refused.replies().get(0).result())).isEqualTo("no account for nobody");
    }

    @Test
    void theServiceRecordsWhatAnAcceptedJoinBroughtInTheJoinsTransaction() throws Exception {
        SqlStateMachine m = machine("a");
        long alice = joinedId(m.execute(batchOf(1, List.of(TestJoins.join(7001, "alice", T + 60_000),
                TestJoins.join(7002, "nobody", T + 60_000), TestJoins.join(7003, "clumsy", T + 60_000)))));
        List<String> logins = new ArrayList<>();
        try (var s = m.connectionForReading().createStatement();
             var rs = s.executeQuery("SELECT client_id, identity, credentials, key FROM login")) {
            while (rs.next()) {
                logins.add(rs.getLong(1) + " " + rs.getString(2) + " " + text(rs.getBytes(3)) + " "
                        + java.util.Arrays.equals(rs.getBytes(4), TestKeys.key(7001).raw()));
            }
        }
        m.connectionForReading().rollback();
        assertThat(logins).as("the refused Join left nothing, the failed record was undone alone")
                .containsExactly(alice + " alice alice true");
        assertThat(m.liveSessions()).extracting(s -> s.identity()).as("the clumsy session is open all the same")
                .containsExactlyInAnyOrder("alice", "clumsy");
    }
}
