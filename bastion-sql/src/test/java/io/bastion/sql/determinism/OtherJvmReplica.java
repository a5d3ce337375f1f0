package io.bastion.sql.determinism;

import java.nio.file.Path;
import java.util.List;

/**
 * Entry point of a replica applied in a separate JVM: a different process, with its own memory
 * layout, start time and SQLite PRNG state. Arguments: seed, statements, database file, fault seed.
 * Prints one {@code checkpoint <sha256>} line per checkpoint.
 */
public final class OtherJvmReplica {
    private OtherJvmReplica() {}

    public static void main(String[] args) throws Exception {
        long seed = Long.parseLong(args[0]);
        int statements = Integer.parseInt(args[1]);
        Path file = Path.of(args[2]);
        long faultSeed = Long.parseLong(args[3]);
        try (TestReplica replica = new TestReplica(file, false, faultSeed)) {
            ReplicatedRun.Result result = ReplicatedRun.run(seed, statements, List.of(replica), "other JVM");
            for (String checkpoint : result.checkpoints()) {
                System.out.println("checkpoint " + checkpoint);
            }
        }
    }
}
