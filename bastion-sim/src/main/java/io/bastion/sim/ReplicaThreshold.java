package io.bastion.sim;

import io.bastion.core.crypto.Signer;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.core.service.CounterService;
import io.bastion.core.service.Service;
import io.bastion.threshold.FaultyThresholdAgent;
import io.bastion.threshold.ShareStore;
import io.bastion.threshold.ThresholdAccess;
import io.bastion.threshold.ThresholdAgent;
import io.bastion.threshold.ThresholdHost;
import io.bastion.threshold.ThresholdLedger;
import io.bastion.threshold.ThresholdService;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.List;
import java.util.function.Supplier;

/**
 * The threshold-cryptography half of one simulated replica, wired as a real replica wires it:
 * the replicated ledger — a {@link ThresholdService} around the counter the simulator's clients
 * use, or whatever ledger a {@link ReplicaService} runs (a {@code ThresholdSqlService}, say) — the
 * replica's secrets in a {@link ShareStore}, and its agent behind a {@link ThresholdHost} whose
 * signed requests the replica hands its own core like a client's.
 *
 * <p>The share store is this replica's disk: it survives {@link #crash()} and is lost by
 * {@link #wipe()}. The ledger's service, the agent (with its memory of what it submitted and its
 * FROST nonces) and the host live in memory and are built again at each boot. Randomness comes from a
 * SHA1PRNG seeded from the run's seed, the replica and its life, so a seed replays the same
 * shares, proofs and nonces. Owned by the simulation thread.
 */
public final class ReplicaThreshold {
    /**
     * How often an idle replica asks its agent what is due, as the server's runtime does
     * ({@code ReplicaRuntime.LOCAL_REQUESTS_IDLE_MILLIS}); after each executed batch it asks at once.
     */
    static final long IDLE_ASK_MILLIS = 500;
    /** Who {@link #seededRandom} seeds for when it is the threshold client, not a replica. */
    static final int CLIENT = -1;

    private final int replica;
    private final int n;
    private final int f;
    private final long seed;
    /** How this replica's agent misbehaves, or {@code null} for an honest agent. */
    private final FaultyThresholdAgent.Fault fault;
    /** The correct replica a faulty dealer deals bad shares to. */
    private final int victim;

    private ShareStore store = ShareStore.inMemory();
    private boolean wiped;
    private int lives;
    /** Where the replicated ledger is read ({@code null} while crashed). */
    private Supplier<ThresholdLedger> ledger;
    private ThresholdHost host;
    /** When the agent was last asked (replica clock), or 0 if not in this life. */
    private long askedAtMillis;

    ReplicaThreshold(int replica, int n, int f, long seed, FaultyThresholdAgent.Fault fault, int victim) {
        this.replica = replica;
        this.n = n;
        this.f = f;
        this.seed = seed;
        this.fault = fault;
        this.victim = victim;
    }

    /** The service a replica of this cluster executes: the threshold ledger around {@code counter}. */
    static Service service(int n, int f, CounterService counter) {
        return new ThresholdService(n, f, ThresholdAccess.REGISTERED_CLIENTS, threshold -> counter);
    }

    /** Boots the in-memory part around {@code counter}; returns the service the executor runs. */
    Service boot(CounterService counter, Signer signer) {
        ThresholdService service = (ThresholdService) service(n, f, counter);
        ledger = service::ledger;
        startAgent(service::ledger, signer);
        return service;
    }

    /**
     * Boots the agent of a replica whose service keeps the ledger itself ({@code ledger}: the
     * ledger as that service last saw it, {@code null} before its first request, when the agent
     * sees an empty one, as {@code bastion replica} wires it).
     */
    void boot(Supplier<ThresholdLedger> ledger, Signer signer) {
        ThresholdLedger empty = new ThresholdLedger(n, f);
        this.ledger = ledger;
        startAgent(() -> ledger.get() != null ? ledger.get() : empty, signer);
    }

    /** A new agent, honest or faulty, seeded for this life, behind a new host. */
    private void startAgent(Supplier<ThresholdLedger> agentLedger, Signer signer) {
        SecureRandom random = seededRandom(seed, replica, lives++);
        ThresholdAgent agent = fault == null ? new ThresholdAgent(replica, store, random)
                : new FaultyThresholdAgent(replica, store, random, fault, victim);
        host = new ThresholdHost(agent, agentLedger, signer);
        askedAtMillis = 0;
    }

    /** Power cut: memory is gone, the share store stays. */
    void crash() {
        ledger = null;
        host = null;
    }

    /** The disk is lost: the replica restarts without its encryption secret or shares. */
    void wipe() {
        store = ShareStore.inMemory();
        wiped = true;
    }

    /**
     * The signed requests the agent wants ordered now: after an executed batch always, otherwise
     * at most every {@link #IDLE_ASK_MILLIS} ({@code nowMillis}: the replica's clock).
     */
    List<Envelope<Request>> due(long nowMillis, boolean afterBatch) {
        if (host == null || !afterBatch && nowMillis - askedAtMillis < IDLE_ASK_MILLIS) {
            return List.of();
        }
        askedAtMillis = nowMillis;
        return host.afterBatch(nowMillis);
    }

    /** The replicated ledger as this replica executed it ({@code null} while crashed). */
    public ThresholdLedger ledger() {
        return ledger == null ? null : ledger.get();
    }

    /** This replica's secrets (what its disk holds). */
    public ShareStore shares() {
        return store;
    }

    /** How this replica's agent misbehaves, or {@code null} if it is honest. */
    public FaultyThresholdAgent.Fault fault() {
        return fault;
    }

    /** Whether this replica's disk was wiped at some point (it lost the secrets it had). */
    public boolean wiped() {
        return wiped;
    }

    /**
     * A deterministic generator for one life of one replica (or of the {@link #CLIENT}). SHA1PRNG seeded before its first use
     * produces only what follows from the seed; {@code setSeed(long)} is not used because
     * SecureRandom ignores a seed of 0 and would then seed itself from the system.
     */
    static SecureRandom seededRandom(long seed, int replica, int life) {
        try {
            SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
            random.setSeed(ByteBuffer.allocate(64).put("bastion-sim-threshold".getBytes(StandardCharsets.US_ASCII))
                    .putLong(seed).putInt(replica).putInt(life).array());
            return random;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK provides SHA1PRNG", e);
        }
    }
}
