package io.bastion.threshold;

import io.bastion.threshold.FaultyThresholdAgent.Fault;
import io.bastion.threshold.ThresholdLedger.Caller;
import io.bastion.threshold.ThresholdLedger.Outcome;

import java.math.BigInteger;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * The threshold facility without the agreement protocol: n ledgers that execute the same
 * operations in one (seeded, shuffled) order, and n agents whose contributions go into that order,
 * some lost. Checks after every operation that all ledgers are equal and survive a snapshot.
 */
final class LedgerHarness {
    final int n;
    final int f;
    final List<ThresholdLedger> ledgers = new ArrayList<>();
    final List<ThresholdAgent> agents = new ArrayList<>();
    final List<ShareStore> stores = new ArrayList<>();
    final boolean[] down;
    final Map<Integer, Fault> faults;
    final List<String> log = new ArrayList<>();
    private final Random order;
    private final double loss;
    private final long seed;
    long now = 1_700_000_000_000L;

    LedgerHarness(int f, long seed, double loss, Map<Integer, Fault> faults) {
        this.f = f;
        this.n = 3 * f + 1;
        this.seed = seed;
        this.order = new Random(seed);
        this.loss = loss;
        this.faults = faults;
        this.down = new boolean[n];
        for (int r = 0; r < n; r++) {
            ledgers.add(new ThresholdLedger(n, f));
            stores.add(ShareStore.inMemory());
            agents.add(agent(r));
        }
    }

    private ThresholdAgent agent(int r) {
        SecureRandom random = seeded(seed * 1000 + r + 17L * agents.size());
        Fault fault = faults.get(r);
        return fault == null ? new ThresholdAgent(r, stores.get(r), random)
                : new FaultyThresholdAgent(r, stores.get(r), random, fault, firstHonest());
    }

    int firstHonest() {
        for (int r = 0; r < n; r++) {
            if (!faults.containsKey(r)) {
                return r;
            }
        }
        throw new IllegalStateException("no honest replica");
    }

    static SecureRandom seeded(long seed) {
        try {
            SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
            random.setSeed(seed);
            return random;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Orders {@code op} from {@code caller} at every ledger; returns the first correct ledger's outcome. */
    Outcome order(ThresholdOp op, Caller caller) {
        byte[] wire = op.encode();
        Outcome first = null;
        for (int r = 0; r < n; r++) {
            Outcome o = ledgers.get(r).execute(ThresholdOp.decode(wire), caller, now);
            if (first == null) {
                first = o;
            } else if (!first.equals(o)) {
                throw new AssertionError("ledgers disagree on " + op.getClass().getSimpleName() + ": " + first + " vs " + o);
            }
        }
        log.add(caller.replica() + ": " + op.getClass().getSimpleName() + " -> " + first.text());
        checkEqual();
        return first;
    }

    Outcome service(ThresholdOp op) {
        return order(op, Caller.SERVICE);
    }

    /** Runs rounds (100 ms each) of contributions until {@code done} or {@code roundsMax}; returns rounds run. */
    int run(int roundsMax, BooleanSupplier done) {
        for (int round = 1; round <= roundsMax; round++) {
            if (done.getAsBoolean()) {
                return round - 1;
            }
            List<Object[]> batch = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                if (down[r]) {
                    continue;
                }
                for (ThresholdOp op : agents.get(r).due(ledgers.get(r), now)) {
                    batch.add(new Object[] {r, op});
                }
            }
            Collections.shuffle(batch, order);
            for (Object[] item : batch) {
                if (order.nextDouble() < loss) {
                    continue;
                }
                order((ThresholdOp) item[1], Caller.replica((Integer) item[0]));
            }
            now += 100;
        }
        return done.getAsBoolean() ? roundsMax : -1;
    }

    /** Replica {@code r} loses its disk: an empty share store and a fresh agent. */
    void wipe(int r) {
        stores.set(r, ShareStore.inMemory());
        agents.set(r, agent(r));
    }

    void checkEqual() {
        byte[] reference = ledgers.get(0).snapshot();
        for (ThresholdLedger l : ledgers) {
            if (!Arrays.equals(reference, l.snapshot())) {
                throw new AssertionError("ledgers differ");
            }
        }
        byte[] again = ThresholdLedger.restore(reference, n, f).snapshot();
        if (!Arrays.equals(reference, again)) {
            throw new AssertionError("a restored ledger's snapshot differs");
        }
    }

    ThresholdLedger ledger() {
        return ledgers.get(0);
    }

    /** The share replica {@code r} holds of {@code key} in its completed epoch, if any. */
    BigInteger share(int r, String key) {
        int epoch = ledger().key(key).orElseThrow().epoch();
        return stores.get(r).share(key, epoch).orElse(null);
    }

    /** The secret interpolated from the shares of {@code replicas} (which the cluster never does). */
    BigInteger interpolate(Group g, String key, List<Integer> replicas) {
        List<BigInteger> xs = replicas.stream().map(r -> BigInteger.valueOf(r + 1L)).toList();
        BigInteger s = BigInteger.ZERO;
        for (int r : replicas) {
            s = s.add(share(r, key).multiply(Polynomial.lagrangeAtZero(g, xs, BigInteger.valueOf(r + 1L))));
        }
        return g.reduce(s);
    }
}
