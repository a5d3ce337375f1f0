package io.bastion.sql.determinism;

import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies one seeded workload to a set of replicas, transaction by transaction, checking after each
 * that every replica saw the same outcome for every request, and every
 * {@link #CHECKPOINT_EVERY_TRANSACTIONS} transactions and at the end that their database files
 * have the same SHA-256. Runs in the test's JVM and, for one more replica, in a separate JVM.
 */
final class ReplicatedRun {
    static final int CHECKPOINT_EVERY_TRANSACTIONS = 100;

    /** What a run produced: the file digest at each checkpoint, and how much it exercised. */
    record Result(List<String> checkpoints, int transactions, int statements, int failedRequests) {}

    private ReplicatedRun() {}

    /**
     * Runs until at least {@code statements} statements were applied. {@code replay} (how to
     * reproduce the run) starts every failure message.
     */
    static Result run(long seed, int statements, List<TestReplica> replicas, String replay) throws SQLException, IOException {
        Workload workload = new Workload(seed);
        List<String> checkpoints = new ArrayList<>();
        int applied = 0;
        int transactions = 0;
        int failedRequests = 0;
        while (applied < statements) {
            Workload.Transaction transaction = workload.next(replicas.get(0).connection());
            List<String> outcomes = applyToAll(transaction, replicas, replay + ", transaction " + transactions);
            failedRequests += (int) outcomes.stream().filter(o -> o.contains("failed: ")).count();
            if (System.getProperty("bastion.trace") != null) {
                outcomes.forEach(o -> System.out.println(o));
            }
            applied += transaction.statementCount();
            transactions++;
            if (transactions % CHECKPOINT_EVERY_TRANSACTIONS == 0) {
                checkpoints.add(sameFile(replicas, replay + ", checkpoint after transaction " + transactions));
            }
        }
        checkpoints.add(sameFile(replicas, replay + ", at the end"));
        return new Result(checkpoints, transactions, applied, failedRequests);
    }

    private static List<String> applyToAll(Workload.Transaction transaction, List<TestReplica> replicas, String where)
            throws SQLException {
        List<String> first = null;
        for (int i = 0; i < replicas.size(); i++) {
            List<String> outcomes = replicas.get(i).apply(transaction);
            if (first == null) {
                first = outcomes;
            } else if (!outcomes.equals(first)) {
                throw new AssertionError(where + ": replica " + i + " saw " + outcomes + " but replica 0 saw " + first);
            }
        }
        return first;
    }

    private static String sameFile(List<TestReplica> replicas, String where) throws IOException, SQLException {
        String first = replicas.get(0).fileSha256();
        for (int i = 1; i < replicas.size(); i++) {
            String digest = replicas.get(i).fileSha256();
            if (!digest.equals(first)) {
                throw new AssertionError(where + ": file of replica " + i + " has SHA-256 " + digest
                        + ", replica 0's has " + first);
            }
        }
        return first;
    }
}
