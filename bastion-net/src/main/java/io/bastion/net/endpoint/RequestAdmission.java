package io.bastion.net.endpoint;

import io.bastion.core.util.Check;

import java.util.HashMap;
import java.util.Map;

/**
 * Which requests arriving on one client connection are worth a signature check: the rule that a
 * client has one request outstanding, applied before any work is spent on a request. A client
 * that floods, sends to a subset of the replicas or repeats one request number with other
 * operations then costs a replica about what an honest client costs, whatever its sending rate.
 *
 * <p>Per client id on this connection:
 * <ul>
 *   <li>one request at a time is under check; others arriving meanwhile are dropped;</li>
 *   <li>once an ordered request (a write, an ordered read) checked out and went on to the core,
 *       the next one, whatever its number, waits until this replica saw the first ordered or
 *       executed ({@code settledUpTo}, from the caller) or until {@link Limits#holdNanos} passed
 *       (the core may have dropped it, or it waits for a primary that never orders it);</li>
 *   <li>the request that last checked out is not checked again within the hold (a retransmission
 *       or a replay of a request that ran here, which would only be answered again);</li>
 *   <li>at most {@link Limits#requestsPerSecond} requests per second are checked (reads are not
 *       ordered, so this is their only bound).</li>
 * </ul>
 * Per connection: every request whose signature fails takes a token from a small bucket; while
 * it is empty, the connection's requests are dropped unchecked. Refusals themselves take from a
 * larger bucket; when a connection sends so many requests that it empties it, the replica stops
 * reading from the connection for {@link Limits#pauseNanos} ({@link #pauseReadingNanos}): TCP then
 * holds the flood back at the sender, and the replica spends nothing on it. An honest client's requests are
 * never refused by the first two rules (it sends its next request after f+1 replicas executed the
 * last, by which time every replica that will order it has seen the batch); when a replica lags
 * behind, the next request reaches it in the batch that orders it, as any missing body does.
 *
 * <p>Keys are the client ids the connection's requests name, unauthenticated until checked: a
 * request forging another client's id affects only this connection's entries, and its entry goes
 * when its signature fails. At most {@link Limits#clientsMax} entries; beyond that, requests of
 * new ids are dropped until entries settle. Thread-safe: requests arrive on the connection's event
 * loop, checks end on verifier threads.
 */
public final class RequestAdmission {
    /** Why a request was not admitted to the signature check. */
    public enum Refusal {
        /** Another request of the same client is under check. */
        CHECKING,
        /** An ordered request of the client is outstanding here: neither ordered nor executed yet. */
        OUTSTANDING,
        /** The client's requests-per-second bound. */
        RATE,
        /** The connection sent too many requests whose signature failed. */
        BAD_SIGNATURES,
        /** The connection names too many client ids at once. */
        CLIENTS;

        /** The name in metrics and logs. */
        public String reason() {
            return "client_" + name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * The bounds.
     *
     * @param holdNanos                   how long an outstanding ordered request holds back its client's next
     * @param requestsPerSecond           requests per second checked per client id (and burst {@code requestBurst})
     * @param requestBurst                the burst of that rate
     * @param badSignaturesPerSecond      failed signatures per second per connection before it is ignored
     * @param badSignatureBurst           the burst of that rate
     * @param clientsMax                  client ids tracked per connection
     * @param refusalsPerSecond           refused requests per second per connection before reading pauses
     * @param refusalBurst                the burst of that rate
     * @param pauseNanos                  how long reading pauses
     */
    public record Limits(long holdNanos, long requestsPerSecond, long requestBurst, long badSignaturesPerSecond,
                         long badSignatureBurst, int clientsMax, long refusalsPerSecond, long refusalBurst,
                         long pauseNanos) {
        public static final long REQUESTS_PER_SECOND_DEFAULT = 1_000;
        public static final long REQUEST_BURST_DEFAULT = 200;
        public static final long BAD_SIGNATURES_PER_SECOND_DEFAULT = 20;
        public static final long BAD_SIGNATURE_BURST_DEFAULT = 40;
        public static final int CLIENTS_MAX_DEFAULT = 100_000;
        public static final long REFUSALS_PER_SECOND_DEFAULT = 200;
        public static final long REFUSAL_BURST_DEFAULT = 400;
        public static final long PAUSE_NANOS_DEFAULT = 100_000_000L;

        public Limits {
            Check.argument(holdNanos > 0, "holdNanos must be positive, got " + holdNanos);
            Check.argument(clientsMax > 0, "clientsMax must be positive, got " + clientsMax);
            Check.argument(pauseNanos > 0, "pauseNanos must be positive, got " + pauseNanos);
        }

        /** The defaults, holding an outstanding request back for {@code holdMillis} (the request timeout). */
        public static Limits holding(long holdMillis) {
            return new Limits(holdMillis * 1_000_000L, REQUESTS_PER_SECOND_DEFAULT, REQUEST_BURST_DEFAULT,
                    BAD_SIGNATURES_PER_SECOND_DEFAULT, BAD_SIGNATURE_BURST_DEFAULT, CLIENTS_MAX_DEFAULT,
                    REFUSALS_PER_SECOND_DEFAULT, REFUSAL_BURST_DEFAULT, PAUSE_NANOS_DEFAULT);
        }
    }

    /** One client id's state on this connection. */
    private static final class Entry {
        final TokenBucket rate;
        boolean checking;
        /** The ordered request that checked out and is not known settled, or -1. */
        long outstanding = -1;
        long outstandingSinceNanos;
        /** The last request that checked out, and when: the same again within the hold is not checked again. */
        long lastChecked = -1;
        long lastCheckedNanos;

        Entry(Limits limits, long nowNanos) {
            this.rate = new TokenBucket(limits.requestsPerSecond(), limits.requestBurst(), nowNanos);
        }
    }

    private final Limits limits;
    private final Map<Long, Entry> clients = new HashMap<>();
    private final TokenBucket badSignatures;
    private final TokenBucket refusals;
    private boolean pauseDue;

    public RequestAdmission(Limits limits, long nowNanos) {
        this.limits = limits;
        this.badSignatures = new TokenBucket(limits.badSignaturesPerSecond(), limits.badSignatureBurst(), nowNanos);
        this.refusals = new TokenBucket(limits.refusalsPerSecond(), limits.refusalBurst(), nowNanos);
    }

    /**
     * How long to stop reading from the connection, once the refusals emptied their bucket: the
     * pause is handed out once per emptying; 0 when none is due.
     */
    public synchronized long pauseReadingNanos() {
        if (!pauseDue) {
            return 0;
        }
        pauseDue = false;
        return limits.pauseNanos();
    }

    /**
     * Whether request {@code requestNumber} of {@code clientId} may be checked now: {@code null} if
     * so (then {@link #end} must follow, exactly once), else why not.
     *
     * @param ordered     whether the request is to be ordered (not a read answered at once)
     * @param settledUpTo the highest request number of the client this replica saw ordered or executed
     */
    public synchronized Refusal begin(long clientId, long requestNumber, boolean ordered, long settledUpTo,
                                      long nowNanos) {
        Refusal refusal = admit(clientId, requestNumber, ordered, settledUpTo, nowNanos);
        if (refusal != null) {
            countRefusal(nowNanos);
        }
        return refusal;
    }

    /**
     * A request the replica dropped unchecked for a reason of its own (a replay of one that ran
     * here, an unknown client): it counts against the connection's refusals like those above.
     */
    public synchronized void refusedElsewhere(long nowNanos) {
        countRefusal(nowNanos);
    }

    private void countRefusal(long nowNanos) {
        if (!refusals.tryTake(nowNanos)) {
            pauseDue = true;
        }
    }

    private Refusal admit(long clientId, long requestNumber, boolean ordered, long settledUpTo, long nowNanos) {
        if (badSignatures.available(nowNanos) == 0) {
            return Refusal.BAD_SIGNATURES;
        }
        Entry entry = clients.get(clientId);
        if (entry == null) {
            if (clients.size() >= limits.clientsMax()) {
                forgetSettled(nowNanos);
                if (clients.size() >= limits.clientsMax()) {
                    return Refusal.CLIENTS;
                }
            }
            entry = new Entry(limits, nowNanos);
            clients.put(clientId, entry);
        }
        if (entry.checking) {
            return Refusal.CHECKING;
        }
        if (requestNumber == entry.lastChecked && nowNanos - entry.lastCheckedNanos < limits.holdNanos()) {
            return Refusal.OUTSTANDING; // the same request again (a retransmission or a replay): checked already
        }
        if (entry.outstanding >= 0 && entry.outstanding > settledUpTo
                && nowNanos - entry.outstandingSinceNanos < limits.holdNanos()) {
            return Refusal.OUTSTANDING;
        }
        if (!entry.rate.tryTake(nowNanos)) {
            return Refusal.RATE;
        }
        entry.checking = true;
        entry.outstanding = -1;
        return null;
    }

    /**
     * The check of a request {@link #begin} admitted ended: {@code authentic} when its signature
     * held, {@code false} when it failed, {@code null} when it was not checked after all (dropped
     * first, e.g. for the inbound bounds). An authentic ordered request is outstanding from now on.
     */
    public synchronized void end(long clientId, long requestNumber, boolean ordered, Boolean authentic,
                                 long nowNanos) {
        Entry entry = clients.get(clientId);
        if (entry == null) {
            return;
        }
        entry.checking = false;
        if (Boolean.TRUE.equals(authentic)) {
            entry.lastChecked = requestNumber;
            entry.lastCheckedNanos = nowNanos;
            if (ordered) {
                entry.outstanding = requestNumber;
                entry.outstandingSinceNanos = nowNanos;
            }
        }
        if (Boolean.FALSE.equals(authentic)) {
            badSignatures.tryTake(nowNanos);
            clients.remove(clientId); // a forged id leaves nothing behind
        }
    }

    /** Client ids tracked (for tests and metrics). */
    public synchronized int clientCount() {
        return clients.size();
    }

    /** Drops entries with nothing under check and nothing outstanding within the hold. */
    private void forgetSettled(long nowNanos) {
        clients.values().removeIf(e -> !e.checking
                && (e.outstanding < 0 || nowNanos - e.outstandingSinceNanos >= limits.holdNanos()));
    }
}
