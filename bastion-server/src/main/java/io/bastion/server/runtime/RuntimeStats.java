package io.bastion.server.runtime;

import io.bastion.core.auth.MessageAuthenticator.Verdict;
import io.bastion.core.replica.Replica;
import io.bastion.core.replica.ReplicaStats;
import io.bastion.net.endpoint.RequestAdmission;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What a running replica reports about itself: the core's position and counters (published by
 * the core thread after each group of steps) and the runtime's own counters. Thread-safe.
 */
public final class RuntimeStats {
    private static final long PUBLISH_INTERVAL_NANOS = 50_000_000;

    private final AtomicLongArray rejected = new AtomicLongArray(Verdict.values().length);
    private final AtomicLong droppedInbound = new AtomicLong();
    private final AtomicLong staleSkipped = new AtomicLong();
    private final AtomicLong preparesSpared = new AtomicLong();
    private final AtomicLong requestsExecuted = new AtomicLong();
    private final AtomicLong batchesExecuted = new AtomicLong();
    private final AtomicLong executionNanos = new AtomicLong();
    private final AtomicLong hellosAnswered = new AtomicLong();
    private final AtomicLong hellosDropped = new AtomicLong();
    private final AtomicLong endedAnswered = new AtomicLong();
    private final AtomicLong inboundBytesDropped = new AtomicLong();
    private final AtomicLong staleViewsDropped = new AtomicLong();
    private final AtomicLong verificationsSaved = new AtomicLong();
    private final AtomicLong executorDropped = new AtomicLong();
    private final AtomicLongArray joinsRefused = new AtomicLongArray(JoinRefusal.values().length);
    private final AtomicLongArray admissionRefused = new AtomicLongArray(RequestAdmission.Refusal.values().length);

    private volatile int view;
    /**
     * The view and whether the replica is still changing to it, as one value so readers never see
     * one without the other: {@code 2·view}, plus 1 once the view has started. It only grows.
     */
    private volatile long viewPosition = 1; // view 0, working: where every replica starts
    private volatile long lastDelivered;
    private volatile long lastStable;
    /** Where every batch has prepared in the current view (see {@link Replica#preparedThrough()}); one object, so view and seq are read together. */
    private volatile Prepared prepared = new Prepared(0, 0);
    private volatile int pendingRequests;
    private volatile Map<ReplicaStats.Counter, Long> coreCounters = Map.of();
    private long lastPublishNanos;

    void rejected(Verdict verdict) {
        rejected.incrementAndGet(verdict.ordinal());
    }

    void inboundDropped() {
        droppedInbound.incrementAndGet();
    }

    void countInboundBytesDropped() {
        inboundBytesDropped.incrementAndGet();
    }

    void countStaleViewDropped() {
        staleViewsDropped.incrementAndGet();
    }

    void countVerificationSaved() {
        verificationsSaved.incrementAndGet();
    }

    void countExecutorDropped() {
        executorDropped.incrementAndGet();
    }

    void countAdmissionRefused(RequestAdmission.Refusal refusal) {
        admissionRefused.incrementAndGet(refusal.ordinal());
    }

    /**
     * Client requests dropped before their signature check by their connection's
     * {@link RequestAdmission}, by reason.
     */
    public Map<RequestAdmission.Refusal, Long> admissionRefused() {
        Map<RequestAdmission.Refusal, Long> out = new EnumMap<>(RequestAdmission.Refusal.class);
        for (RequestAdmission.Refusal r : RequestAdmission.Refusal.values()) {
            out.put(r, admissionRefused.get(r.ordinal()));
        }
        return out;
    }

    void countJoinRefused(JoinRefusal refusal) {
        joinsRefused.incrementAndGet(refusal.ordinal());
    }

    /** Network messages dropped because their source's or the total inbound byte bound was reached. */
    public long inboundBytesDropped() {
        return inboundBytesDropped.get();
    }

    /** VIEW-CHANGE and NEW-VIEW messages for views this replica had left, dropped before their signature check. */
    public long staleViewsDropped() {
        return staleViewsDropped.get();
    }

    /** VIEW-CHANGE, NEW-VIEW and CHECKPOINT copies not checked again: the same bytes were checked before. */
    public long verificationsSaved() {
        return verificationsSaved.get();
    }

    /** Reads, resent replies and other unordered executor work dropped because its lane was full. */
    public long executorDropped() {
        return executorDropped.get();
    }

    /** Joins from clients dropped before ordering, by reason. */
    public Map<JoinRefusal, Long> joinsRefused() {
        Map<JoinRefusal, Long> out = new EnumMap<>(JoinRefusal.class);
        for (JoinRefusal r : JoinRefusal.values()) {
            out.put(r, joinsRefused.get(r.ordinal()));
        }
        return out;
    }

    void countStaleSkipped() {
        staleSkipped.incrementAndGet();
    }

    /** Agreement messages for already executed batches, dropped before their signature check. */
    public long staleSkipped() {
        return staleSkipped.get();
    }

    void helloAnswered() {
        hellosAnswered.incrementAndGet();
    }

    void helloDropped() {
        hellosDropped.incrementAndGet();
    }

    void answeredEnded() {
        endedAnswered.incrementAndGet();
    }

    /** Hellos answered with a signed challenge. */
    public long hellosAnswered() {
        return hellosAnswered.get();
    }

    /** Hellos dropped because too many were already waiting to be signed (rate limits count apart). */
    public long hellosDropped() {
        return hellosDropped.get();
    }

    /** Requests of ended sessions answered "session ended" without ordering. */
    public long endedAnswered() {
        return endedAnswered.get();
    }

    void executed(int requests, long nanos) {
        requestsExecuted.addAndGet(requests);
        batchesExecuted.incrementAndGet();
        executionNanos.addAndGet(nanos);
    }

    /** Called by the core thread; copies the core's counters at most every 50 ms. */
    void publish(Replica replica) {
        view = replica.view();
        viewPosition = 2L * replica.view() + (replica.viewChanging() ? 0 : 1);
        lastDelivered = replica.lastDelivered(); // also read by verifier threads to skip stale messages
        lastStable = replica.lastStable();
        long through = replica.preparedThrough();
        Prepared was = prepared;
        if (was.view() != replica.view() || was.through() != through) {
            prepared = new Prepared(replica.view(), through);
        }
        pendingRequests = replica.pendingRequests();
        long now = System.nanoTime();
        if (now - lastPublishNanos >= PUBLISH_INTERVAL_NANOS) {
            coreCounters = replica.stats().snapshot();
            lastPublishNanos = now;
        }
    }

    /** Messages refused at the edge, by reason. */
    public Map<Verdict, Long> rejectedByVerdict() {
        Map<Verdict, Long> out = new EnumMap<>(Verdict.class);
        for (Verdict v : Verdict.values()) {
            out.put(v, rejected.get(v.ordinal()));
        }
        return out;
    }

    public long droppedInbound() {
        return droppedInbound.get();
    }

    public long requestsExecuted() {
        return requestsExecuted.get();
    }

    public long batchesExecuted() {
        return batchesExecuted.get();
    }

    public long executionNanos() {
        return executionNanos.get();
    }

    public int view() {
        return view;
    }

    /**
     * Whether the replica has left view {@code messageView} behind as the core judges VIEW-CHANGE
     * and NEW-VIEW messages: it is in a later view, or in this one and no longer changing to it.
     * The core ignores such messages; since the published position only grows, a stale reading
     * only ever says "not yet".
     */
    public boolean leftBehind(int messageView) {
        long position = viewPosition; // one read: view and changing from the same moment
        return io.bastion.core.replica.Replica.viewLeftBehind((int) (position >> 1), (position & 1) == 0, messageView);
    }

    public long lastDelivered() {
        return lastDelivered;
    }

    private record Prepared(int view, long through) {}

    /**
     * Whether the batch at {@code seq} has prepared here in {@code view}, by the core's last
     * publication: a PREPARE of that view for it changes nothing in the core. A stale reading is
     * still right: within a view a prepared batch stays prepared until it executes, and once the core
     * has left the view it drops that view's PREPAREs itself.
     */
    public boolean preparedHere(int view, long seq) {
        Prepared p = prepared; // one read: view and seq from the same moment
        return p.view() == view && seq <= p.through();
    }

    void countPrepareSpared() {
        preparesSpared.incrementAndGet();
    }

    /** PREPAREs for batches already prepared here, dropped before their signature check. */
    public long preparesSpared() {
        return preparesSpared.get();
    }

    public long lastStable() {
        return lastStable;
    }

    public int pendingRequests() {
        return pendingRequests;
    }

    public Map<ReplicaStats.Counter, Long> coreCounters() {
        return coreCounters;
    }
}
