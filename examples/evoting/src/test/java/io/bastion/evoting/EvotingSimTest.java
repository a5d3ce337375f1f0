package io.bastion.evoting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bastion.core.crypto.Digest;
import io.bastion.core.message.Reply;
import io.bastion.core.replica.ReplicaStats;
import io.bastion.sim.Behaviour;
import io.bastion.sim.ClientBehaviour;
import io.bastion.sim.SimOptions;
import io.bastion.sim.SimReplica;
import io.bastion.sim.Simulation;
import io.bastion.sim.SimulationFailure;
import io.bastion.sql.SqlStateMachine;
import io.bastion.threshold.FaultyThresholdAgent.Fault;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Whole elections ({@link SimElection}) on the e-voting service in the deterministic simulator,
 * f = 1, n = 4: the production replica core, the service in SQLite at every replica, each
 * replica's threshold agent, and the voters, the admin and two attackers as clients, over a lossy
 * network, with a Byzantine replica whose agent sends bad decryption shares, and with a replica
 * that crashes (or loses its disk) while people vote. After every run:
 * <ul>
 *   <li>the results the admin got count every voter's last accepted ballot, the tally was decrypted
 *       by f+1 replicas, and only a faulty replica is named faulty;</li>
 *   <li>every correct replica answers the same outcome from its own database (it may name a faulty
 *       replica whose bad share was ordered after the admin read the results), and those that
 *       executed as far answer the very same and hold byte-identical database files;</li>
 *   <li>the box holds exactly the accepted ballots; each voter's own ballots are in it, the last
 *       one counted; every attack was refused, with the service's reason, and changed nothing.</li>
 * </ul>
 * A failing seed prints its replay command ({@code -Dbastion.evoting.seed=N} runs that seed only);
 * {@code -Dbastion.long=true} adds a long seed loop with crashes, partitions, any Byzantine
 * behaviour and replaying clients.
 */
class EvotingSimTest {
    private static final boolean LONG = Boolean.getBoolean("bastion.long");
    /** {@code -Dbastion.long.scale=0.1} runs a tenth of the long loop's seeds. */
    private static final double SCALE = Double.parseDouble(System.getProperty("bastion.long.scale", "1"));
    /** {@code -Dbastion.evoting.seed=N}: every test runs seed N only (a replay). */
    private static final Long ONLY_SEED = Long.getLong("bastion.evoting.seed");
    /** {@code -Dbastion.evoting.group=NAME}: the long loop runs that group of seeds only. */
    private static final String ONLY_GROUP = System.getProperty("bastion.evoting.group");
    private static final int F = 1;
    /** Protocol misbehaviours under which a Byzantine replica's own requests (its shares) still get ordered. */
    private static final List<Behaviour> LOUD = List.of(Behaviour.REPLAY, Behaviour.WRONG_DIGESTS,
            Behaviour.EQUIVOCATE_BACKUP, Behaviour.BAD_CHECKPOINTS, Behaviour.FLOOD_PEERS, Behaviour.BAD_STATE);
    /** How long the correct replicas get, after the run, to execute as far as the most advanced one. */
    private static final long CATCH_UP_MILLIS = 30_000;

    @TempDir
    Path directory;

    /** A finished, checked run. */
    private record Run(Simulation sim, SimElection election) {}

    /** Loss, duplication and reordering for the first 10 s; no counter clients; each replica's threshold agent. */
    private static SimOptions lossy(Fault fault) {
        return SimOptions.lossy(F).withClients(0, 0).withSettings(SimElection.SETTINGS).withThreshold(fault);
    }

    @Test
    void anElectionUnderMessageLossCountsEveryVotersLastBallotAndRefusesEveryAttack() {
        for (Run run : runAll("anElectionUnderMessageLoss", 1, 2, (seed, dir, replay) -> {
            SimElection election = new SimElection(seed, SimElection.SETTINGS.requestBytesMax());
            return new Run(new Simulation(lossy(null), seed, Map.of(), Map.of(), election.workload(dir, replay)),
                    election);
        }, run -> { })) {
            assertThat(run.sim().result().messagesDropped()).as("seed %d", run.sim().seed()).isPositive();
            assertThat(run.election().results().get("faulty")).as("seed %d: nobody is faulty", run.sim().seed())
                    .isEmpty();
        }
    }

    /**
     * One Byzantine replica, a different one and with a different protocol misbehaviour for each
     * seed, whose agent sends decryption shares made with a wrong secret: the tally is decrypted
     * from f+1 good shares, never the bad one, and the replica is named faulty once its share is
     * ordered (here, before the admin reads the results, in some run at least).
     */
    @Test
    void aByzantineReplicaWithBadDecryptionSharesChangesNoResult() {
        boolean named = false;
        for (Run run : runAll("aByzantineReplicaWithBadDecryptionShares", 10, 3, (seed, dir, replay) -> {
            SimElection election = new SimElection(seed, SimElection.SETTINGS.requestBytesMax());
            int faulty = (int) (seed % 4);
            return new Run(new Simulation(lossy(Fault.BAD_SHARES), seed,
                    Map.of(faulty, LOUD.get((int) (seed % LOUD.size()))), Map.of(), election.workload(dir, replay)),
                    election);
        }, run -> { })) {
            int faulty = (int) (run.sim().seed() % 4);
            assertThat(decryptedBy(run.election())).as("seed %d", run.sim().seed()).doesNotContain(faulty);
            named |= faultyNamed(run.election()).contains(faulty);
        }
        assertThat(named).as("some run named the replica that sent a bad share").isTrue();
    }

    /**
     * A correct replica loses power once some ballots are in and comes back a few seconds later,
     * while voting goes on, from its database (at the batch it last committed) and its protocol
     * log; or loses its disk too, and then fetches the database by state transfer. Either way it
     * ends with the others' database, byte for byte.
     */
    @Test
    void aReplicaThatCrashesWhilePeopleVoteComesBackFromItsDatabase() {
        runAll("aReplicaThatCrashesWhilePeopleVote", 20, 2, (seed, dir, replay) -> {
            SimElection election = new SimElection(seed, SimElection.SETTINGS.requestBytesMax());
            return new Run(new Simulation(lossy(null), seed, Map.of(), Map.of(), election.workload(dir, replay)),
                    election);
        }, run -> crashDuringVoting(run, false));
        for (Run run : runAll("aReplicaThatCrashesWhilePeopleVote", 30, 1, (seed, dir, replay) -> {
            SimElection election = new SimElection(seed, SimElection.SETTINGS.requestBytesMax());
            return new Run(new Simulation(lossy(null), seed, Map.of(), Map.of(), election.workload(dir, replay)),
                    election);
        }, run -> crashDuringVoting(run, true))) {
            assertThat(run.sim().replica(crashed(run.sim())).core().stats()
                    .get(ReplicaStats.Counter.STATE_TRANSFERS_DONE)).as("seed %d: the wiped replica fetched the state",
                    run.sim().seed()).isPositive();
        }
    }

    private static int crashed(Simulation sim) {
        return (int) (sim.seed() % 4);
    }

    /**
     * Runs until two ballots are in, crashes a replica (wiping its disk if asked), and restarts it
     * 3 s later, from the batch its database last committed (from nothing after a wipe).
     */
    private static void crashDuringVoting(Run run, boolean wipe) {
        Simulation sim = run.sim();
        int victim = crashed(sim);
        assertThat(sim.runUntil(() -> run.election().accepted() >= 2, 60_000)).as("two ballots cast").isTrue();
        long committed = sim.replica(victim).stateMachine().position().seq();
        sim.crashReplica(victim);
        if (wipe) {
            sim.wipeReplica(victim);
        }
        sim.runUntil(() -> false, 3_000);
        sim.restartReplica(victim);
        assertThat(sim.replica(victim).restarts()).isEqualTo(1);
        long recovered = sim.replica(victim).stateMachine().position().seq();
        if (wipe) {
            assertThat(recovered).as("replica %d's new database", victim).isZero();
        } else {
            assertThat(recovered).as("replica %d's database, reopened", victim).isEqualTo(committed).isPositive();
        }
    }

    @Test
    void aSeedReplaysTheSameElection() {
        long seed = 40;
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Path dir = directory.resolve("replay-" + i);
            SimElection election = new SimElection(seed, SimElection.SETTINGS.requestBytesMax());
            Simulation sim = new Simulation(lossy(null).withFaults(1, false, false), seed, Map.of(), Map.of(),
                    election.workload(dir, s -> replay("aSeedReplaysTheSameElection", s)));
            try (sim) {
                sim.run();
                runs.add(new Run(sim, election));
            }
        }
        Run first = runs.get(0);
        Run second = runs.get(1);
        assertThat(second.sim().result().events()).isEqualTo(first.sim().result().events());
        assertThat(second.sim().result().messagesDropped()).isEqualTo(first.sim().result().messagesDropped());
        assertThat(second.election().trackers()).isEqualTo(first.election().trackers());
        assertThat(second.election().results()).isEqualTo(first.election().results());
    }

    /** Seeds of the long loop run under one set of options. */
    private record SeedGroup(String name, long first, SimOptions options) {}

    /**
     * 500 seeds, with {@code -Dbastion.long=true} ({@code -Dbastion.long.scale=0.1} for a tenth): loss;
     * a Byzantine replica with any misbehaviour and any agent fault; crashes with restarts and
     * partitions; a client replaying what others sent; all of them together.
     */
    @Test
    void longSeedLoop() {
        assumeTrue(LONG, "long runs only with -Dbastion.long=true");
        List<SeedGroup> groups = List.of(
                new SeedGroup("loss", 100_000, lossy(null)),
                new SeedGroup("byzantine", 110_000, lossy(null).withFaults(1, false, false)),
                new SeedGroup("crashes", 120_000, lossy(null).withFaults(0, true, true)),
                new SeedGroup("replay", 130_000, lossy(null).withFaultyClients(1, ClientBehaviour.REPLAY)),
                new SeedGroup("hostile", 140_000, SimOptions.hostile(F).withClients(0, 0)
                        .withSettings(SimElection.SETTINGS).withThreshold(null)
                        .withFaultyClients(1, ClientBehaviour.REPLAY)));
        List<String> failed = new ArrayList<>();
        for (SeedGroup group : groups) {
            if (ONLY_GROUP != null && !ONLY_GROUP.equals(group.name())) {
                continue;
            }
            for (long seed : seeds(group.first(), Math.max(1, (int) (100 * SCALE)))) {
                try {
                    runAndCheck("longSeedLoop-" + group.name(), seed, (s, dir, replay) -> {
                        SimElection election = new SimElection(s, group.options().settings().requestBytesMax());
                        return new Run(new Simulation(group.options(), s, Map.of(), Map.of(),
                                election.workload(dir, replay)), election);
                    }, s -> replay("longSeedLoop", s) + " -Dbastion.long=true -Dbastion.evoting.group=" + group.name(),
                            run -> { });
                } catch (SimulationFailure e) {
                    failed.add(group.name() + " " + seed);
                    System.out.println("FAIL " + e.getMessage());
                }
            }
        }
        assertThat(failed).as("failing seeds (each prints its replay command above)").isEmpty();
    }

    // ------------------------------------------------------------------ running and checking

    /** Makes the run of one seed, in its own directory, with the replay command for failures. */
    @FunctionalInterface
    private interface RunMaker {
        Run make(long seed, Path directory, LongFunction<String> replay);
    }

    private static String replay(String test, long seed) {
        return "mvn -B -o -q -pl examples/evoting -am test -Dsurefire.failIfNoSpecifiedTests=false -Dtest='EvotingSimTest#"
                + test + "*' -Dbastion.evoting.seed=" + seed;
    }

    private static List<Long> seeds(long first, int count) {
        if (ONLY_SEED != null) {
            return List.of(ONLY_SEED);
        }
        List<Long> seeds = new ArrayList<>();
        for (long seed = first; seed < first + count; seed++) {
            seeds.add(seed);
        }
        return seeds;
    }

    /** Runs and checks {@code count} seeds (or the one asked for); prints every failure, then fails if there was one. */
    private List<Run> runAll(String test, long first, int count, RunMaker maker, Consumer<Run> script) {
        List<Run> passed = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (long seed : seeds(first, count)) {
            try {
                passed.add(runAndCheck(test, seed, maker, s -> replay(test, s), script));
            } catch (SimulationFailure e) {
                failures.add(e.getMessage());
                System.out.println("FAIL " + e.getMessage());
            }
        }
        assertThat(failures).as("failing seeds").isEmpty();
        return passed;
    }

    /**
     * One seed: {@code script} drives the start of the run (crashes, say), then it runs to the end and
     * everything is checked; a broken check is a {@link SimulationFailure} that says how to replay it.
     */
    private Run runAndCheck(String name, long seed, RunMaker maker, LongFunction<String> replay, Consumer<Run> script) {
        Path dir = directory.resolve(name + "-" + seed);
        Run run = maker.make(seed, dir, replay);
        try (Simulation sim = run.sim()) {
            try {
                script.accept(run);
                sim.run();
                check(run);
            } catch (SimulationFailure e) {
                throw e;
            } catch (AssertionError | RuntimeException e) {
                throw sim.failure("e-voting: " + e.getMessage(), e);
            }
            System.out.println(name + ": " + sim.result() + "; results " + run.election().results());
        } finally {
            deleteTree(dir);
        }
        return run;
    }

    private static void check(Run run) {
        SimElection election = run.election();
        JsonNode results = election.results();
        assertThat(results.get("tally").textValue()).isEqualTo("done");
        assertThat(counts(results)).as("the counts of every voter's last ballot").isEqualTo(election.trueCounts());
        assertThat(results.get("voted").longValue()).isEqualTo(election.counted().size());
        assertThat(results.get("eligible").longValue()).isEqualTo(DemoData.VOTERS.size() + SimElection.REGISTERED.size());
        assertThat(decryptedBy(election)).as("decrypted by f+1 replicas").hasSize(F + 1);
        for (int named : faultyNamed(election)) {
            assertThat(run.sim().replica(named).byzantine()).as("replica %d, named faulty, is Byzantine", named)
                    .isTrue();
            assertThat(decryptedBy(election)).doesNotContain(named);
        }
        checkBallots(election);
        checkAttacks(run);
        checkReplicas(run);
    }

    private static List<Long> counts(JsonNode results) {
        return StreamSupport.stream(results.get("results").spliterator(), false).map(o -> o.get("votes").longValue())
                .toList();
    }

    private static List<Integer> decryptedBy(SimElection election) {
        return StreamSupport.stream(election.results().get("decryptedBy").spliterator(), false)
                .map(JsonNode::intValue).toList();
    }

    private static List<Integer> faultyNamed(SimElection election) {
        return faulty(election.results());
    }

    /** The box holds the accepted ballots; each honest voter finds all theirs, only the last counted. */
    private static void checkBallots(SimElection election) {
        assertThat(election.box().get("total").longValue()).as("ballots in the box").isEqualTo(election.accepted());
        for (String voter : election.honestVoters()) {
            List<String> cast = election.trackers().get(voter);
            JsonNode mine = election.myBallots().get(voter).get("ballots");
            assertThat(StreamSupport.stream(mine.spliterator(), false).map(b -> b.get("tracker").textValue()).toList())
                    .as("%s's ballots", voter).isEqualTo(cast);
            for (int i = 0; i < mine.size(); i++) {
                assertThat(mine.get(i).get("counted").booleanValue()).as("%s's ballot %d counted", voter, i + 1)
                        .isEqualTo(i == mine.size() - 1);
            }
        }
    }

    /** Every attack was refused with the service's reason; the replay ran once; the oversized request never. */
    private static void checkAttacks(Run run) {
        SimElection election = run.election();
        Map<String, String> expected = new TreeMap<>();
        expected.put(SimElection.MALFORMED, "malformed request: not a JSON object in UTF-8");
        expected.put(SimElection.TAMPERED, "ballot refused: option 0: the 0/1 proof does not verify");
        expected.put(SimElection.FORGED, "ballot refused: signature does not verify under the credential");
        expected.put(SimElection.COPIED, "the ballot's credential is not yours: sign it with the credential you enrolled");
        expected.put(SimElection.DOUBLE, "ballot " + election.trackers().get("mallory").get(0)
                + " is already in the ballot box");
        expected.put(SimElection.AFTER_CLOSE, "election 1 is closed: voting ended at " + election.closedAtMillis());
        expected.put(SimElection.WRONG_CODE, "unknown voter or wrong enrollment code");
        expected.put(SimElection.BAD_SIGN_IN, "unknown voter or bad signature");
        expected.put(SimElection.BAD_CREDENTIALS, "credentials must be JSON {\"voter\": \"<id>\", \"signature\":"
                + " \"<base64url>\"} (and \"enroll\": {\"credential\": …, \"signature\": …} to enroll)");
        assertThat(new TreeMap<>(election.refusals())).isEqualTo(expected);
        assertThat(election.trackers().get("mallory")).as("mallory's one valid ballot").hasSize(1);
        Simulation sim = run.sim();
        assertThat(sim.executed(election.replayed())).as("the replayed request ran (once: the checker sees to that)")
                .isTrue();
        // what correct replicas sent for that request number once mallory had her answer (late copies
        // of it, and the replay's answers from their reply caches) is that answer
        for (Reply late : election.mallory().lateReplies()) {
            if (late.requestNumber() == election.replayed().message().requestNumber()
                    && !sim.replica(late.replicaId()).byzantine()) {
                assertThat(late.result()).as("replica %d's answer to the replay", late.replicaId())
                        .isEqualTo(election.replayedAnswer());
            }
        }
        assertThat(sim.executed(election.oversized())).as("the oversized request was never ordered").isFalse();
        assertThat(election.mallory().lateReplies()).as("no replica answered the oversized request")
                .noneMatch(late -> late.requestNumber() == election.oversized().message().requestNumber());
    }

    /**
     * Every correct replica executes as far as the most advanced one, answers the admin the same
     * results from its own database, and those at the same sequence number hold identical files.
     */
    private static void checkReplicas(Run run) {
        Simulation sim = run.sim();
        List<SimReplica> correct = new ArrayList<>();
        for (int i = 0; i < sim.replicaCount(); i++) {
            if (!sim.replica(i).byzantine()) {
                correct.add(sim.replica(i));
            }
        }
        long target = correct.stream().filter(r -> !r.crashed()).mapToLong(r -> r.core().lastDelivered()).max()
                .orElseThrow();
        assertThat(sim.runUntil(() -> correct.stream().allMatch(r -> !r.crashed() && r.core().lastDelivered() >= target),
                CATCH_UP_MILLIS)).as("every correct replica executed up to %d within %d ms: %s", target, CATCH_UP_MILLIS,
                describe(correct)).isTrue();
        Map<Long, Digest> files = new HashMap<>();
        Map<Long, JsonNode> answers = new HashMap<>();
        JsonNode seen = run.election().results();
        for (SimReplica r : correct) {
            SqlStateMachine machine = (SqlStateMachine) r.stateMachine();
            long seq = r.core().lastDelivered();
            JsonNode answer = run.election().resultsAt(machine);
            assertThat(withoutFaulty(answer)).as("the results replica %d answers", r.id()).isEqualTo(withoutFaulty(seen));
            // a share ordered after the f+1 that decrypted is checked too, and a bad one named then
            assertThat(faulty(answer)).as("replicas named faulty at replica %d", r.id()).containsAll(faulty(seen))
                    .allMatch(named -> sim.replica(named).byzantine());
            JsonNode sameSeq = answers.putIfAbsent(seq, answer);
            assertThat(sameSeq == null || sameSeq.equals(answer)).as("replica %d's results at seq %d are the others'",
                    r.id(), seq).isTrue();
            Digest file = digest(machine.databaseFile());
            Digest sameFile = files.putIfAbsent(seq, file);
            assertThat(sameFile == null || sameFile.equals(file)).as("replica %d's database at seq %d is the others'",
                    r.id(), seq).isTrue();
        }
    }

    private static JsonNode withoutFaulty(JsonNode results) {
        return ((ObjectNode) results.deepCopy()).without("faulty");
    }

    private static List<Integer> faulty(JsonNode results) {
        return StreamSupport.stream(results.get("faulty").spliterator(), false).map(f -> f.get("replica").intValue())
                .toList();
    }

    private static String describe(List<SimReplica> replicas) {
        StringBuilder s = new StringBuilder();
        for (SimReplica r : replicas) {
            s.append(r.crashed() ? "R" + r.id() + " crashed" : r.core() + " " + r.core().describeLog()
                    + r.core().describeCheckpoints()).append("; ");
        }
        return s.toString();
    }

    private static Digest digest(Path file) {
        try {
            return Digest.sha256(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
