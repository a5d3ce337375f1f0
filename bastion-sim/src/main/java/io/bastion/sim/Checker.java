package io.bastion.sim;

import io.bastion.core.crypto.Digest;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.core.replica.Execute;
import io.bastion.core.service.CounterService;
import io.bastion.core.session.SessionRequests;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The properties every simulated run must keep, checked as events happen:
 * <ul>
 *   <li>agreement: correct replicas execute the same batch (requests, time, seed) at each seq;</li>
 *   <li>validity: only requests that clients sent are executed;</li>
 *   <li>exactly-once: in a correct replica's history (as far as it survived restarts) no
 *       (client, request number) executes twice, and each client's requests execute in
 *       increasing order;</li>
 *   <li>linearizability: every result a client accepts equals the counter's value at the
 *       request's position in the agreed order, and that position respects real time (after
 *       every request completed before this one was invoked).</li>
 * </ul>
 */
final class Checker {
    record Key(long clientId, long requestNumber) {}

    private record Batch(long timeMillis, long seed, List<Digest> requests, List<Key> keys) {}

    /** What one correct replica executed in its current life, by sequence number. */
    private static final class History {
        final TreeMap<Long, List<Key>> bySeq = new TreeMap<>();
        final Set<Key> executed = new HashSet<>();
        final Map<Long, Long> lastNumber = new HashMap<>();

        void rebuild() {
            executed.clear();
            lastNumber.clear();
            bySeq.values().forEach(keys -> keys.forEach(k -> {
                executed.add(k);
                lastNumber.merge(k.clientId(), k.requestNumber(), Math::max);
            }));
        }
    }

    private final Map<Long, Batch> agreed = new HashMap<>();
    private long agreedUpTo;
    private final Map<Key, Long> position = new HashMap<>();
    private final List<Long> counterAfter = new ArrayList<>();
    private final Map<Digest, Request> sent = new HashMap<>();
    private final Map<Integer, History> histories = new HashMap<>();
    private final Map<Key, Long> completedBeforeInvoke = new HashMap<>();
    private long maxCompletedPosition = -1;
    private long accepted;
    /** The last request number of every session in the agreed order (retransmissions ordered again are skipped). */
    private final Map<Long, Long> agreedLastNumber = new HashMap<>();
    /** Requests the agreed execution refused (session ended). */
    private final Set<Key> refused = new HashSet<>();

    /** A client sends a new request. */
    void onInvoke(Envelope<Request> request) {
        Request r = request.message();
        sent.put(request.digest(), r);
        completedBeforeInvoke.put(new Key(r.clientId(), r.requestNumber()), maxCompletedPosition);
    }

    /** A Join or Leave went out: valid to execute, answered by Bastion rather than the counter. */
    void onSent(Envelope<Request> request) {
        sent.put(request.digest(), request.message());
    }

    /**
     * A client learned that its request was refused (its session had ended): the agreed execution
     * must have refused it. Whether an earlier ordering of the same request ran is unknown to the
     * client, so the request counts as abandoned, not as "did not run".
     */
    void onRefused(long clientId, long requestNumber) {
        Key key = new Key(clientId, requestNumber);
        if (!refused.contains(key)) {
            throw new IllegalStateException("client " + clientId + " accepted a refusal of request " + requestNumber
                    + " that the agreed execution did not refuse");
        }
        completedBeforeInvoke.remove(key);
    }

    /**
     * A correct replica executed a batch; {@code refusedKeys} are its requests that Bastion refused
     * (their session had ended), which leave the counter alone.
     */
    void onExecute(int replica, Execute e, Set<Key> refusedKeys) {
        List<Digest> digests = e.requests().stream().map(Envelope::digest).toList();
        List<Key> keys = e.requests().stream().map(s -> new Key(s.message().clientId(), s.message().requestNumber()))
                .toList();
        Batch batch = new Batch(e.timeMillis(), e.seed(), digests, keys);
        Batch first = agreed.putIfAbsent(e.seq(), batch);
        if (first != null && !first.equals(batch)) {
            throw new IllegalStateException("agreement: replica " + replica + " executes " + describe(batch)
                    + " at seq " + e.seq() + " where another executed " + describe(first));
        }
        History history = histories.computeIfAbsent(replica, k -> new History());
        for (Envelope<Request> signed : e.requests()) {
            Request r = signed.message();
            if (!sent.containsKey(signed.digest())) {
                throw new IllegalStateException("validity: replica " + replica + " executes " + r
                        + " that no client sent");
            }
            Key key = new Key(r.clientId(), r.requestNumber());
            if (r.kind() == Request.Kind.JOIN) {
                continue; // idempotent by design: a Join may run again under its provisional id
            }
            if (refusedKeys.contains(key) || SessionRequests.keptBySession(r)
                    && history.lastNumber.getOrDefault(r.clientId(), 0L) >= r.requestNumber()) {
                continue; // a session's retransmission ordered again: the state machine skips it
            }
            if (!history.executed.add(key)) {
                throw new IllegalStateException("exactly-once: replica " + replica + " executes " + r + " twice");
            }
            Long previous = history.lastNumber.put(r.clientId(), r.requestNumber());
            if (previous != null && previous >= r.requestNumber()) {
                throw new IllegalStateException("exactly-once: replica " + replica + " executes " + r
                        + " after request " + previous + " of the same client");
            }
        }
        history.bySeq.put(e.seq(), keys);
        if (first == null) {
            if (e.seq() != agreedUpTo + 1) {
                throw new IllegalStateException("replica " + replica + " executes seq " + e.seq() + " before "
                        + (agreedUpTo + 1));
            }
            agreedUpTo = e.seq();
            for (Envelope<Request> signed : e.requests()) {
                Request r = signed.message();
                Key refusedKey = new Key(r.clientId(), r.requestNumber());
                if (refusedKeys.contains(refusedKey)) {
                    refused.add(refusedKey); // its session had ended: nothing ran (whatever ran before)
                    continue;
                }
                if (SessionRequests.keptBySession(r)
                        && agreedLastNumber.getOrDefault(r.clientId(), 0L) >= r.requestNumber()) {
                    continue; // skipped by every correct state machine: it ran before
                }
                if (SessionRequests.keptBySession(r)) {
                    agreedLastNumber.put(r.clientId(), r.requestNumber());
                }
                long previous = counterAfter.isEmpty() ? 0 : counterAfter.get(counterAfter.size() - 1);
                Key key = new Key(r.clientId(), r.requestNumber());
                boolean counted = r.operationUnsafe().length == 8 && r.kind() == Request.Kind.WRITE;
                long amount = counted ? ByteBuffer.wrap(r.operationUnsafe()).getLong() : 0;
                position.put(new Key(r.clientId(), r.requestNumber()), (long) counterAfter.size());
                counterAfter.add(previous + amount);
            }
        }
    }

    /** A correct replica restarted from its snapshot at {@code seq}: later executions are forgotten. */
    void onRestart(int replica, long seq) {
        History history = histories.computeIfAbsent(replica, k -> new History());
        history.bySeq.tailMap(seq, false).clear();
        history.rebuild();
    }

    /** A correct replica installed the agreed state at {@code seq} by state transfer. */
    void onInstall(int replica, long seq, Digest root) {
        if (seq > agreedUpTo) {
            throw new IllegalStateException("replica " + replica + " installed state " + seq + " beyond anything "
                    + "executed (" + agreedUpTo + ")");
        }
        History history = histories.computeIfAbsent(replica, k -> new History());
        history.bySeq.clear();
        for (long s = 1; s <= seq; s++) {
            history.bySeq.put(s, agreed.get(s).keys());
        }
        history.rebuild();
    }

    /** A client accepted {@code result} for its request. */
    void onAccept(long clientId, long requestNumber, byte[] result) {
        Key key = new Key(clientId, requestNumber);
        Long pos = position.get(key);
        if (pos == null) {
            throw new IllegalStateException("linearizability: client " + clientId + " accepted request "
                    + requestNumber + " that no correct replica executed");
        }
        long expected = counterAfter.get(pos.intValue());
        long got = result.length == 8 ? CounterService.decode(result) : Long.MIN_VALUE;
        if (got != expected) {
            throw new IllegalStateException("linearizability: client " + clientId + " accepted " + got
                    + " for request " + requestNumber + " at position " + pos + ", the agreed order gives " + expected);
        }
        long before = Objects.requireNonNull(completedBeforeInvoke.remove(key), "accepted a request never invoked");
        if (pos <= before) {
            throw new IllegalStateException("linearizability: request " + requestNumber + " of client " + clientId
                    + " took position " + pos + ", before position " + before + " that completed before it began");
        }
        maxCompletedPosition = Math.max(maxCompletedPosition, pos);
        accepted++;
    }

    /** Whether a batch holding the request with digest {@code request} was executed. */
    boolean executed(Digest request) {
        for (Batch batch : agreed.values()) {
            if (batch.requests().contains(request)) {
                return true;
            }
        }
        return false;
    }

    long accepted() {
        return accepted;
    }

    long agreedUpTo() {
        return agreedUpTo;
    }

    private static String describe(Batch b) {
        return "batch[time=" + b.timeMillis() + ", seed=" + b.seed() + ", " + b.requests() + "]";
    }
}
