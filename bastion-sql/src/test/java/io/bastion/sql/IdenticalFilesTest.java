package io.bastion.sql;

import io.bastion.core.session.SessionRequests;
import io.bastion.core.TestKeys;
import io.bastion.core.crypto.Digest;
import io.bastion.core.execution.StateMachine;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.core.replica.Execute;
import io.bastion.core.service.ServiceContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Four replicas apply the same batches of random SQL — inserts, updates, deletes, schema changes,
 * ANALYZE, time and random functions, large blobs, requests that fail and roll back, requests that never end
 * and are stopped by the step budget (reads, and writes that make SQLite roll back the whole batch)
 * — each with its own history of closing and reopening the database, and end with byte-identical
 * files and equal checkpoint digests all along. {@code -Dbastion.long=true} runs ten times more.
 */
class IdenticalFilesTest {
    private static final int K = 16;
    private static final long T0 = 1_767_225_600_000L;

    @TempDir
    Path directory;

    /** Each request is a script: statements separated by ';\n', run in order; a failing one fails the request. */
    static final class ScriptService implements SqlService {
        /** A small budget, so that the requests that never end are stopped soon. */
        static final long STEPS = 300_000;
        static final long GROWTH_BYTES = 2 << 20;

        @Override
        public SqlBudget budget() {
            return SqlBudget.ofSteps(STEPS).withGrowthBytes(GROWTH_BYTES);
        }

        @Override
        public void migrate(Connection c) throws SQLException {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t0 (id INTEGER PRIMARY KEY AUTOINCREMENT, k INTEGER, v TEXT, b BLOB,"
                        + " at TEXT DEFAULT CURRENT_TIMESTAMP)");
                s.execute("CREATE TABLE endless (x INTEGER)");
            }
        }

        @Override
        public byte[] execute(byte[] request, Connection c, ServiceContext context) throws SQLException {
            int changed = 0;
            try (Statement s = c.createStatement()) {
                for (String sql : new String(request, StandardCharsets.UTF_8).split(";\n")) {
                    s.execute(sql);
                    changed += Math.max(0, s.getUpdateCount());
                }
            }
            return Integer.toString(changed).getBytes(StandardCharsets.UTF_8);
        }
    }

    /** Random scripts over a few tables that come and go. */
    private static final class Scripts {
        private final SplittableRandom random;
        /** Its own stream, so that the other requests are the ones the seed always gave. */
        private final SplittableRandom endless;
        private final List<String> tables = new ArrayList<>(List.of("t0"));
        private int nextTable = 1;
        private int statements;
        private int overBudget;

        Scripts(long seed) {
            random = new SplittableRandom(seed);
            endless = new SplittableRandom(~seed);
        }

        String next() {
            StringBuilder script = new StringBuilder();
            int count = 1 + random.nextInt(4);
            for (int i = 0; i < count; i++) {
                if (i > 0) {
                    script.append(";\n");
                }
                script.append(statement());
                statements++;
            }
            if (endless.nextInt(15) == 0) {
                script.append(";\nANALYZE"); // statistics steer the plans, and a rolled-back ANALYZE leaves them in memory
            }
            if (random.nextInt(8) == 0) {
                script.append(";\nINSERT INTO no_such_table VALUES (1)"); // the request fails and rolls back
            }
            if (endless.nextInt(25) == 0) { // instead, a request stopped by the budget
                overBudget++;
                return neverEnding();
            }
            return script.toString();
        }

        /**
         * A read; a write that makes SQLite roll back the whole batch when it is stopped; or a write
         * that would grow the file past the allowance.
         */
        private String neverEnding() {
            String numbers = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) ";
            return switch (endless.nextInt(3)) {
                case 0 -> numbers + "SELECT count(*) FROM c";
                case 1 -> "INSERT INTO endless (x) " + numbers + "SELECT x FROM c";
                default -> "INSERT INTO endless (x) " + numbers + "SELECT randomblob(5000) FROM c";
            };
        }

        private String table() {
            return tables.get(random.nextInt(tables.size()));
        }

        private String statement() {
            int roll = random.nextInt(100);
            String t = table();
            if (roll < 45) {
                int blob = random.nextInt(10) == 0 ? 20_000 + random.nextInt(80_000) : random.nextInt(200);
                return "INSERT INTO " + t + " (k, v, b) VALUES (" + random.nextInt(1000) + ", 'v" + random.nextInt()
                        + "' || random(), randomblob(" + blob + "))";
            } else if (roll < 65) {
                return "UPDATE " + t + " SET v = hex(randomblob(8)), at = datetime('now', '+" + random.nextInt(100)
                        + " minutes') WHERE k % 7 = " + random.nextInt(7);
            } else if (roll < 80) {
                return "DELETE FROM " + t + " WHERE k % 11 = " + random.nextInt(11);
            } else if (roll < 86) {
                String name = "t" + nextTable++;
                tables.add(name);
                return "CREATE TABLE " + name + " (id INTEGER PRIMARY KEY AUTOINCREMENT, k INTEGER, v TEXT, b BLOB,"
                        + " at TEXT DEFAULT CURRENT_TIMESTAMP)";
            } else if (roll < 90) {
                return "CREATE INDEX IF NOT EXISTS " + t + "_k ON " + t + " (k)";
            } else if (roll < 94) {
                return "ALTER TABLE " + t + " ADD COLUMN c" + random.nextInt(1_000_000) + " INTEGER DEFAULT "
                        + random.nextInt(50);
            } else if (roll < 97 && tables.size() > 1) {
                tables.remove(t); // a later statement on it fails its request, which is fine
                return "DROP TABLE " + t;
            } else {
                return "INSERT INTO " + t + " (k, v) SELECT k + 1, v || unixepoch() FROM " + t + " LIMIT 20";
            }
        }
    }

    @Test
    void fourReplicasApplyingThousandsOfRandomStatementsHaveIdenticalFiles() throws Exception {
        int batches = Boolean.getBoolean("bastion.long") ? 3_000 : 300;
        Scripts scripts = new Scripts(20261124);
        SqlStateMachine[] replicas = new SqlStateMachine[4];
        for (int i = 0; i < replicas.length; i++) {
            replicas[i] = open(i);
        }
        long requestNumber = 1;
        int overBudgetReplies = 0;
        try {
            for (long seq = 1; seq <= batches; seq++) {
                List<Envelope<Request>> requests = new ArrayList<>();
                int size = 1 + (int) (seq % 5);
                for (int r = 0; r < size; r++) {
                    long client = 1000 + r;
                    requests.add(Envelope.sign(new Request(client, requestNumber++, false,
                            scripts.next().getBytes(StandardCharsets.UTF_8)), TestKeys.signer(client)));
                }
                Execute batch = new Execute(seq, 0, T0 + seq * 1_337, seq * 7_919, requests, seq % K == 0);
                List<Digest> digests = new ArrayList<>();
                List<String> replies = new ArrayList<>();
                for (int i = 0; i < replicas.length; i++) {
                    StateMachine.Result result = replicas[i].execute(batch);
                    digests.add(result.stateDigest());
                    replies.add(result.replies().stream().map(x -> new String(x.result(), StandardCharsets.UTF_8))
                            .toList().toString());
                }
                assertThat(replies).as("replies of batch %d", seq).containsOnly(replies.get(0));
                overBudgetReplies += countOccurrences(replies.get(0), "exceeded the execution budget of " + ScriptService.STEPS)
                        + countOccurrences(replies.get(0), "exceeded the growth limit of " + ScriptService.GROWTH_BYTES);
                assertThat(digests).as("checkpoint digests at %d", seq).containsOnly(digests.get(0));
                // replica i closes and reopens its database every 7*i batches: a different file history
                for (int i = 1; i < replicas.length; i++) {
                    if (seq % (7L * i) == 0) {
                        replicas[i].close();
                        replicas[i] = open(i);
                    }
                }
            }
            assertThat(scripts.statements).isGreaterThan(batches * 5);
            assertThat(scripts.overBudget).as("requests stopped by the budget").isGreaterThan(batches / 50);
            assertThat(overBudgetReplies).isEqualTo(scripts.overBudget);
            Digest first = Digest.sha256(Files.readAllBytes(replicas[0].databaseFile()));
            for (SqlStateMachine m : replicas) {
                assertThat(Digest.sha256(Files.readAllBytes(m.databaseFile()))).isEqualTo(first);
            }
            assertThat(Files.size(replicas[0].databaseFile())).as("large blobs overflow pages")
                    .isGreaterThan(64L * SqlDatabase.PAGE_BYTES);
        } finally {
            for (SqlStateMachine m : replicas) {
                m.close();
            }
        }
    }

    private static int countOccurrences(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }

    private SqlStateMachine open(int id) {
        return new SqlStateMachine(id, TestKeys.signer(id), new ScriptService(), directory.resolve("r" + id),
                SqlDatabase.Mode.DURABLE, K, SessionRequests.of(TestKeys.cluster(1, 0), TestKeys.VERIFIER));
    }
}
