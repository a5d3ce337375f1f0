package io.bastion.sql;

import io.bastion.core.TestKeys;
import io.bastion.core.execution.StateMachine;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.Request;
import io.bastion.core.replica.Execute;
import io.bastion.core.service.ServiceContext;
import io.bastion.core.session.SessionRequests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Statements the service's connection keeps for reuse must not make replicas count a request's
 * steps differently: a replica that restarts after every batch, and so never has a statement kept
 * from before, stops exactly the requests that one running all along stops.
 */
class KeptStatementsTest {
    private static final int K = 4;
    /** A query of a few hundred instructions: too short to reach a check of the step budget in one run. */
    static final String SHORT_QUERY =
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20) SELECT count(*) FROM c";

    @TempDir
    Path directory;

    private final List<SqlStateMachine> open = new ArrayList<>();
    private long requestNumber = 1;

    @AfterEach
    void closeAll() {
        open.forEach(SqlStateMachine::close);
    }

    @Test
    void aReplicaThatRestartsEveryBatchStopsTheSameRequestsAsOneThatDoesNot() {
        long seed = Long.getLong("bastion.seed", new SplittableRandom().nextLong());
        SplittableRandom random = new SplittableRandom(seed);
        SqlStateMachine steady = open("steady");
        SqlStateMachine restarting = open("restarting");
        int stopped = 0;
        int answered = 0;
        for (long seq = 1; seq <= 40; seq++) {
            List<String> runs = new ArrayList<>();
            for (int r = random.nextInt(1, 4); r > 0; r--) {
                runs.add(String.valueOf(random.nextInt(12, 44))); // around the budget's 10,000 steps
            }
            Execute batch = batch(seq, runs);
            List<String> fromSteady = texts(steady.execute(batch));
            List<String> fromRestarting = texts(restarting.execute(batch));
            assertThat(fromRestarting).as("batch %d, seed %d", seq, seed).isEqualTo(fromSteady);
            stopped += (int) fromSteady.stream().filter(t -> t.contains("budget")).count();
            answered += (int) fromSteady.stream().filter(t -> t.startsWith("ran ")).count();
            restarting.close();
            open.remove(restarting);
            restarting = open("restarting");
        }
        assertThat(stopped).as("requests stopped by their budget, seed %d", seed).isPositive();
        assertThat(answered).as("requests within their budget, seed %d", seed).isPositive();
    }

    private SqlStateMachine open(String name) {
        SqlStateMachine m = new SqlStateMachine(0, TestKeys.signer(0), new LoopService(), directory.resolve(name),
                SqlDatabase.Mode.DURABLE, K, SessionRequests.of(TestKeys.cluster(1, 0), TestKeys.VERIFIER));
        open.add(m);
        return m;
    }

    private Execute batch(long seq, List<String> operations) {
        List<Envelope<Request>> requests = new ArrayList<>();
        for (String op : operations) {
            requests.add(Envelope.sign(new Request(1000 + requests.size(), requestNumber++, false,
                    op.getBytes(StandardCharsets.UTF_8)), TestKeys.signer(1000)));
        }
        return new Execute(seq, 0, 1_767_225_600_000L + seq * 1000, seq * 31, requests, seq % K == 0);
    }

    private static List<String> texts(StateMachine.Result result) {
        return result.replies().stream().map(r -> new String(r.result(), StandardCharsets.UTF_8)).toList();
    }

    /** Runs {@link #SHORT_QUERY} as many times as the request says, each time prepared and closed; the smallest step budget. */
    static final class LoopService implements SqlService {
        @Override
        public void migrate(Connection connection) {}

        @Override
        public byte[] execute(byte[] request, Connection connection, ServiceContext context) throws SQLException {
            int runs = Integer.parseInt(new String(request, StandardCharsets.UTF_8));
            long total = 0;
            for (int i = 0; i < runs; i++) {
                try (PreparedStatement p = connection.prepareStatement(SHORT_QUERY); ResultSet rs = p.executeQuery()) {
                    rs.next();
                    total += rs.getLong(1);
                }
            }
            return ("ran " + runs + " times, " + total).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public SqlBudget budget() {
            return SqlBudget.ofSteps(SqlBudget.STEPS_MIN);
        }
    }
}
