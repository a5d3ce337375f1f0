package io.bastion.sql.determinism;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The property this package exists for: replicas that apply the same requests end with
 * byte-identical database files, however often and whenever each of them restarts, whatever its
 * durability setting, and in whichever JVM it runs. Four replicas in this JVM and one in another
 * apply thousands of seeded random statements (3,000; 20,000 with {@code -Dbastion.long=true});
 * every request's outcome and, at checkpoints and at the end, every file's SHA-256 must agree.
 *
 * <p>The seed is random unless {@code -Dbastion.seed=…} fixes it; every failure names it.
 */
class ReproducibilityTest {
    static final int REPLICAS = 4;
    static final int STATEMENTS = 3_000;
    static final int STATEMENTS_LONG = 20_000;
    static final long OTHER_JVM_TIMEOUT_SECONDS = 900;
    private static final long FAULT_SEED_MIX = 0x9e3779b97f4a7c15L;

    @Test
    void replicasApplyingTheSameRequestsHaveIdenticalFiles(@TempDir Path directory) throws Exception {
        long seed = Long.getLong("bastion.seed", new SplittableRandom().nextLong());
        int statements = Boolean.getBoolean("bastion.long") ? STATEMENTS_LONG : STATEMENTS;
        String replay = "reproduce with -Dbastion.seed=" + seed + (statements == STATEMENTS ? "" : " -Dbastion.long=true");
        Path otherOutput = directory.resolve("other-jvm.out");
        Process other = startOtherJvm(seed, statements, directory.resolve("other-jvm.db"), otherOutput);
        List<TestReplica> replicas = new ArrayList<>();
        try {
            for (int i = 0; i < REPLICAS; i++) {
                replicas.add(new TestReplica(directory.resolve("replica" + i + ".db"), i % 2 == 0, faultSeed(seed, i)));
            }
            ReplicatedRun.Result result = ReplicatedRun.run(seed, statements, replicas, replay);
            System.out.printf("seed %d: %d transactions, %d statements, %d requests rolled back, %d restarts, %d bytes%n",
                    seed, result.transactions(), result.statements(), result.failedRequests(),
                    replicas.stream().mapToInt(TestReplica::restarts).sum(), Files.size(directory.resolve("replica0.db")));
            assertExercised(result, replicas, replay);
            assertThat(otherJvmCheckpoints(other, otherOutput)).as(replay + ": checkpoints of the replica in another JVM")
                    .isEqualTo(result.checkpoints());
        } finally {
            other.destroyForcibly();
            for (TestReplica replica : replicas) {
                replica.close();
            }
        }
    }

    private static long faultSeed(long seed, int replica) {
        return seed ^ (FAULT_SEED_MIX * (replica + 1));
    }

    private static void assertExercised(ReplicatedRun.Result result, List<TestReplica> replicas, String replay) {
        assertThat(result.statements()).as(replay).isGreaterThanOrEqualTo(STATEMENTS);
        assertThat(result.failedRequests()).as(replay + ": requests rolled back to their savepoint").isPositive();
        assertThat(result.checkpoints()).as(replay + ": checkpoints").hasSizeGreaterThan(2);
        assertThat(replicas.stream().mapToInt(TestReplica::restarts).sum()).as(replay + ": restarts").isPositive();
    }

    private static Process startOtherJvm(long seed, int statements, Path file, Path output) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", classPath,
                OtherJvmReplica.class.getName(),
                String.valueOf(seed), String.valueOf(statements), file.toString(),
                String.valueOf(faultSeed(seed, REPLICAS)))
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    private static List<String> otherJvmCheckpoints(Process other, Path output) throws Exception {
        boolean exited = other.waitFor(OTHER_JVM_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        String text = Files.readString(output);
        assertThat(exited && other.exitValue() == 0).as("replica in another JVM failed:\n" + text).isTrue();
        return text.lines().filter(line -> line.startsWith("checkpoint ")).map(line -> line.substring("checkpoint ".length()))
                .toList();
    }
}
