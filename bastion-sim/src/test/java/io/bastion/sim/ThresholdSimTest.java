package io.bastion.sim;

import io.bastion.threshold.Element;
import io.bastion.threshold.FaultyThresholdAgent.Fault;
import io.bastion.threshold.ThresholdLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongFunction;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Threshold cryptography on the real agreement protocol: every simulated replica executes the
 * threshold ledger around the counter and orders its agent's contributions through its own core,
 * while a {@link ThresholdClient} generates a P-256 and an Ed25519 key, decrypts, tosses a coin and
 * signs — under message loss, crashes and Byzantine replicas whose agents misbehave as well.
 * After each run {@link Simulation#checkThreshold()} checks keys, shares, the threshold itself
 * and every result at every correct replica; then every correct replica must come to hold shares
 * (one that enrolled too late for a key generation gets them by a reshare). A failing seed prints
 * its replay command; {@code -Dbastion.long=true} adds a long seed loop.
 */
class ThresholdSimTest {
    private static final boolean LONG = Boolean.getBoolean("bastion.long");
    /** {@code -Dbastion.long.scale=0.1} runs a tenth of the long loop's seeds. */
    private static final double SCALE = Double.parseDouble(System.getProperty("bastion.long.scale", "1"));
    private static final String ELECTION = ThresholdClient.ELECTION_KEY;
    private static final String SIGNING = ThresholdClient.SIGNING_KEY;
    /** Protocol misbehaviours under which a Byzantine replica's own requests still get ordered. */
    private static final List<Behaviour> LOUD = List.of(Behaviour.REPLAY, Behaviour.WRONG_DIGESTS,
            Behaviour.EQUIVOCATE_BACKUP, Behaviour.BAD_CHECKPOINTS, Behaviour.FLOOD_PEERS, Behaviour.BAD_STATE);

    private static SimOptions lossy(int f) {
        return SimOptions.lossy(f).withClients(2, 10);
    }

    /** A finished run and what its threshold checks found. */
    private record Checked(Simulation sim, ThresholdChecks.Report report) {}

    /** How long replicas that missed a key's generation get to obtain shares by a reshare. */
    private static final long RESHARE_MILLIS_MAX = 60_000;

    /**
     * Runs to the end and checks the threshold cryptography; then, since a correct replica that
     * enrolled after a key generation began gets its share only by a reshare, runs until every live
     * correct replica holds shares of both keys and checks again. A failure names the seed and how
     * to replay it.
     */
    private static Checked runAndCheck(Simulation sim) {
        sim.run();
        sim.checkThreshold();
        if (!sim.runUntil(() -> everyCorrectReplicaHoldsShares(sim), RESHARE_MILLIS_MAX)) {
            throw new SimulationFailure(sim.seed(), sim.options().flags(), sim.virtualMillis(),
                    "threshold: not every correct replica holds shares " + RESHARE_MILLIS_MAX + " ms after the run", null);
        }
        return new Checked(sim, sim.checkThreshold());
    }

    /** Every live correct replica, not wiped, holds shares of both keys in the epoch they all completed last. */
    private static boolean everyCorrectReplicaHoldsShares(Simulation sim) {
        for (String name : List.of(ELECTION, SIGNING)) {
            Set<Integer> epochs = new HashSet<>();
            for (int i : correctReplicas(sim)) {
                ReplicaThreshold threshold = sim.replica(i).threshold();
                if (sim.replica(i).crashed() || threshold.wiped()) {
                    continue;
                }
                ThresholdLedger.KeyInfo key = threshold.ledger().key(name).orElse(null);
                if (key == null || key.resharing() || threshold.shares().share(name, key.epoch()).isEmpty()) {
                    return false;
                }
                epochs.add(key.epoch());
            }
            if (epochs.size() > 1) {
                return false;
            }
        }
        return true;
    }

    /** Runs {@code count} seeds; prints each failure (with its replay command) and fails if there was any. */
    private static List<Checked> assertAllPass(long first, int count, LongFunction<Simulation> simulationForSeed) {
        List<Checked> passed = new ArrayList<>();
        List<Long> failed = runSeeds(first, count, simulationForSeed, passed);
        assertThat(failed).as("failing seeds (each prints its replay command above)").isEmpty();
        return passed;
    }

    private static List<Long> failingSeeds(long first, int count, LongFunction<Simulation> simulationForSeed) {
        return runSeeds(first, Math.max(1, (int) (count * SCALE)), simulationForSeed, new ArrayList<>());
    }

    /** Runs and checks {@code count} seeds; returns the failing ones (each printed with its replay command). */
    private static List<Long> runSeeds(long first, int count, LongFunction<Simulation> simulationForSeed,
                                       List<Checked> passed) {
        List<Long> failed = new ArrayList<>();
        for (long seed = first; seed < first + count; seed++) {
            try {
                passed.add(runAndCheck(simulationForSeed.apply(seed)));
            } catch (SimulationFailure failure) {
                failed.add(seed);
                System.out.println("FAIL " + failure.getMessage());
            }
        }
        return failed;
    }

    private static List<Integer> allReplicas(Simulation sim) {
        return IntStream.range(0, sim.replicaCount()).boxed().toList();
    }

    private static List<Integer> correctReplicas(Simulation sim) {
        return allReplicas(sim).stream().filter(i -> !sim.replica(i).byzantine()).toList();
    }

    @Test
    void honestReplicasUnderMessageLossGenerateKeysDecryptTossACoinAndSign() {
        boolean reshared = false;
        for (Checked run : assertAllPass(1, 10, seed -> new Simulation(lossy(1).withThreshold(null), seed))) {
            Simulation sim = run.sim();
            assertThat(sim.result().messagesDropped()).as("seed %d", sim.seed()).isPositive();
            assertThat(run.report().holders()).as("seed %d", sim.seed())
                    .containsEntry(ELECTION, allReplicas(sim)).containsEntry(SIGNING, allReplicas(sim));
            assertThat(run.report().namedFaulty()).as("seed %d", sim.seed()).isEmpty();
            reshared |= run.report().epochs().values().stream().anyMatch(epoch -> epoch > 0);
        }
        assertThat(reshared).as("some run gave a late replica its share by a reshare").isTrue();
    }

    /**
     * One Byzantine replica (f = 1) whose agent has {@code fault} and whose protocol messages
     * misbehave too, in a different way and at a different replica for each seed.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Fault.class)
    void oneByzantineReplicaWithAFaultyAgentChangesNoResult(Fault fault) {
        List<Checked> runs = assertAllPass(10, 8, seed -> new Simulation(lossy(1).withThreshold(fault), seed,
                Map.of((int) (seed % 4), LOUD.get((int) (seed % LOUD.size())))));
        boolean badSharesNamed = false;
        for (Checked run : runs) {
            Simulation sim = run.sim();
            int faulty = (int) (sim.seed() % 4);
            List<Integer> correct = correctReplicas(sim);
            assertThat(run.report().namedFaulty().keySet()).as("seed %d", sim.seed()).isSubsetOf(faulty);
            for (String key : List.of(ELECTION, SIGNING)) {
                assertThat(run.report().holders().get(key)).as("seed %d: replicas holding %s", sim.seed(), key)
                        .containsAll(correct);
            }
            if (fault == Fault.WITHHOLD) {
                assertThat(run.report().holders().get(ELECTION)).as("seed %d", sim.seed()).doesNotContain(faulty);
                assertThat(sim.replica(correct.get(0)).threshold().ledger().encryptionKey(faulty))
                        .as("seed %d: the withholding replica enrolled", sim.seed()).isEmpty();
            }
            badSharesNamed |= run.report().namedFaulty().containsKey(faulty);
        }
        if (fault == Fault.BAD_SHARES) {
            assertThat(badSharesNamed).as("some run named the replica that sent bad shares").isTrue();
        }
    }

    /**
     * A replica loses power while the keys are being generated and comes back from its disk (its
     * share store survives): it must end up with its shares of both keys, like everyone else.
     */
    @ParameterizedTest(name = "replica {0}")
    @ValueSource(ints = {0, 1, 2, 3})
    void aReplicaCrashedDuringKeyGenerationRestartsAndHoldsItsShares(int victim) {
        for (long seed = 20; seed < 22; seed++) {
            Simulation sim = new Simulation(lossy(1).withThreshold(null), seed);
            ThresholdClient client = sim.thresholdClient();
            assertThat(sim.runUntil(() -> client.step() == ThresholdClient.Step.GENERATE_SIGNING_KEY, 30_000))
                    .as("seed %d: the first key generation was ordered", seed).isTrue();
            sim.runUntil(() -> false, 100 * (seed - 19)); // into the dealing, a little further each seed
            sim.crashReplica(victim);
            sim.runUntil(() -> false, 3_000);
            sim.restartReplica(victim);
            Checked run = runAndCheck(sim);
            assertThat(sim.replica(victim).restarts()).isEqualTo(1);
            for (String key : List.of(ELECTION, SIGNING)) {
                assertThat(run.report().holders().get(key)).as("seed %d: replicas holding %s", seed, key)
                        .contains(victim);
            }
        }
    }

    /**
     * A replica loses its disk, and with it its encryption secret and shares: it enrolls again
     * with a new key and asks for a reshare, which gives every replica new shares of the same key.
     */
    @Test
    void aReplicaThatLostItsDiskGetsNewSharesOfTheSameKeyByAReshare() {
        long seed = 30;
        int wiped = 2;
        Simulation sim = new Simulation(lossy(1).withThreshold(null), seed);
        ThresholdClient client = sim.thresholdClient();
        assertThat(sim.runUntil(() -> client.step() == ThresholdClient.Step.DECRYPT, 30_000)).isTrue();
        sim.crashReplica(wiped);
        sim.wipeReplica(wiped);
        sim.restartReplica(wiped);
        sim.run();
        sim.checkThreshold();
        ReplicaThreshold threshold = sim.replica(wiped).threshold();
        assertThat(sim.runUntil(() -> holdsShareOfCurrentEpoch(threshold, ELECTION), 60_000))
                .as("seed %d: the wiped replica got a new share", seed).isTrue();
        ThresholdLedger.KeyInfo key = threshold.ledger().key(ELECTION).orElseThrow();
        assertThat(key.epoch()).isPositive();
        assertThat(key.publicKey()).isEqualTo(client.publicKey(ELECTION));
        BigInteger share = threshold.shares().share(ELECTION, key.epoch()).orElseThrow();
        assertThat(key.publicKey().group().base(share)).isEqualTo(key.verificationKeys().get(wiped));
        ThresholdChecks.Report report = sim.checkThreshold();
        assertThat(report.epochs().get(ELECTION)).isEqualTo(key.epoch());
    }

    private static boolean holdsShareOfCurrentEpoch(ReplicaThreshold threshold, String name) {
        ThresholdLedger ledger = threshold.ledger();
        return ledger != null && ledger.key(name).map(k -> threshold.shares().share(name, k.epoch()).isPresent())
                .orElse(false);
    }

    /** f = 2: two Byzantine replicas of seven, each with a protocol misbehaviour and an agent fault from the seed. */
    @Test
    void twoByzantineReplicasOfSevenChangeNoResult() {
        List<Checked> runs = assertAllPass(40, 8, seed -> new Simulation(lossy(2).withThreshold(null), seed,
                Map.of((int) (seed % 7), LOUD.get((int) (seed % LOUD.size())),
                        (int) ((seed + 3) % 7), LOUD.get((int) ((seed + 1) % LOUD.size())))));
        for (Checked run : runs) {
            Simulation sim = run.sim();
            assertThat(run.report().holders().get(ELECTION)).as("seed %d", sim.seed()).containsAll(correctReplicas(sim));
            assertThat(run.report().namedFaulty().keySet()).as("seed %d", sim.seed())
                    .allMatch(r -> sim.replica(r).byzantine());
        }
    }

    /**
     * f = 2 and both faulty replicas withhold everything: key generation starts with exactly the
     * n - f = 5 correct replicas and needs every one of them.
     */
    @Test
    void twoWithholdingReplicasOfSevenLeaveExactlyEnoughContributors() {
        List<Checked> runs = assertAllPass(50, 3, seed -> new Simulation(lossy(2).withThreshold(Fault.WITHHOLD), seed,
                Map.of(1, Behaviour.REPLAY, 5, Behaviour.WRONG_DIGESTS)));
        for (Checked run : runs) {
            assertThat(run.report().holders().get(SIGNING)).containsExactly(0, 2, 3, 4, 6);
        }
    }

    @Test
    void aSeedReplaysTheSameKeysCoinAndSignature() {
        SimOptions options = lossy(1).withFaults(1, false, false).withThreshold(null);
        Checked first = runAndCheck(new Simulation(options, 60));
        Checked second = runAndCheck(new Simulation(options, 60));
        assertThat(second.sim().result().events()).isEqualTo(first.sim().result().events());
        ThresholdClient a = first.sim().thresholdClient();
        ThresholdClient b = second.sim().thresholdClient();
        for (String key : List.of(ELECTION, SIGNING)) {
            Element expected = a.publicKey(key);
            assertThat(b.publicKey(key)).isEqualTo(expected);
        }
        for (ThresholdClient.Operation operation : ThresholdClient.Operation.values()) {
            assertThat(b.result(operation)).isEqualTo(a.result(operation));
        }
    }

    /**
     * Thousands of seeds, with {@code -Dbastion.long=true} ({@code -Dbastion.long.scale=0.1} for a
     * tenth): loss; f Byzantine replicas with faulty agents; crashes and partitions; all of them
     * together.
     */
    @Test
    void longSeedLoop() {
        assumeTrue(LONG, "long runs only with -Dbastion.long=true");
        List<Long> failed = new ArrayList<>();
        failed.addAll(failingSeeds(100_000, 1_000, seed -> new Simulation(lossy(1).withThreshold(null), seed)));
        failed.addAll(failingSeeds(110_000, 1_000,
                seed -> new Simulation(lossy(1).withFaults(1, false, false).withThreshold(null), seed)));
        failed.addAll(failingSeeds(120_000, 300,
                seed -> new Simulation(lossy(2).withFaults(2, false, false).withThreshold(null), seed)));
        failed.addAll(failingSeeds(130_000, 500,
                seed -> new Simulation(lossy(1).withFaults(0, true, true).withThreshold(null), seed)));
        failed.addAll(failingSeeds(140_000, 500,
                seed -> new Simulation(SimOptions.hostile(1).withClients(2, 10).withThreshold(null), seed)));
        failed.addAll(failingSeeds(150_000, 200,
                seed -> new Simulation(SimOptions.hostile(2).withClients(2, 10).withThreshold(null), seed)));
        assertThat(failed).as("failing seeds (each prints its replay command above)").isEmpty();
    }
}
