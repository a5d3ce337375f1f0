package io.bastion.core.replica;

import io.bastion.core.crypto.Digest;
import io.bastion.core.message.BatchEntry;
import io.bastion.core.message.Codec;
import io.bastion.core.message.PrePrepare;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.core.util.Check;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The message log: slots by sequence number, plus an index of the request bodies those slots
 * hold, so a peer that missed a body can fetch it until the slot is garbage collected.
 *
 * <p>A body stays in the index as long as some slot that ordered it, in any view, is in the log:
 * a batch a view change replaced may come back as a re-proposal (whose bodies must then be at
 * hand, here and at the peers that fetch them), and a body two slots order outlives the first.
 *
 * <p>New slots are accepted between the low watermark (the last stable checkpoint) and the high
 * watermark (low + logSize). Slots up to {@code retained} sequence numbers below the low watermark
 * are kept for retransmission, so a replica that fell slightly behind a stable checkpoint can
 * still catch up from its peers' logs.
 */
final class Log {
    private final NavigableMap<Long, Slot> slots = new TreeMap<>();
    private final Map<Digest, Envelope<Request>> orderedBodies = new HashMap<>();
    /** The bodies each slot ordered in any view, and how many slots ordered each body. */
    private final Map<Long, java.util.Set<Digest>> heldBySeq = new HashMap<>();
    private final Map<Digest, Integer> holders = new HashMap<>();
    private final Map<Digest, List<Slot>> waiting = new HashMap<>();
    /**
     * MAC client mode: held bodies that are not authentic here. They came only from peers, with a
     * tag this replica could not check, to fill a slot waiting for them; such a slot is accepted
     * only once a correct replica backs it (f+1 PREPAREs, or a re-proposal).
     */
    private final java.util.Set<Digest> unverified = new java.util.HashSet<>();
    private long low;
    private final int size;
    private final int retained;

    Log(int size, int retained) {
        this.size = size;
        this.retained = retained;
    }

    /** Lowest sequence number whose slot may still be held. */
    long retainedFrom() {
        return Math.max(1, low - retained + 1);
    }

    long low() {
        return low;
    }

    long high() {
        return low + size;
    }

    boolean inWindow(long seq) {
        return seq > low && seq <= high();
    }

    Slot get(long seq) {
        return slots.get(seq);
    }

    Slot getOrCreate(long seq) {
        Check.that(inWindow(seq), "slot %d outside window (%d, %d]", seq, low, high());
        return slots.computeIfAbsent(seq, Slot::new);
    }

    /** Slots above {@code seq}, ascending. */
    Collection<Slot> above(long seq) {
        return slots.tailMap(seq, false).values();
    }

    long highestSeq() {
        return slots.isEmpty() ? low : slots.lastKey();
    }

    int slotCount() {
        return slots.size();
    }

    /**
     * Records the pre-prepare of {@code slot} and resolves its bodies from {@code pool} and the
     * bodies earlier slots hold. Returns the digests still missing.
     */
    void setPrePrepare(Slot slot, Envelope<PrePrepare> prePrepare, RequestPool pool, long nowMillis) {
        Check.that(slot.prePrepare == null, "slot %d already has a pre-prepare", slot.seq);
        slot.prePrepare = prePrepare;
        slot.batchDigest = Codec.batchDigest(prePrepare.message());
        slot.arrivedMillis = nowMillis;
        List<BatchEntry> entries = prePrepare.message().entries();
        slot.bodies = new ArrayList<>(entries.size());
        slot.missing = 0;
        for (BatchEntry e : entries) {
            Envelope<Request> body = pool.get(e.requestDigest());
            if (body == null) {
                body = orderedBodies.get(e.requestDigest());
            }
            slot.bodies.add(body);
            if (body == null) {
                slot.missing++;
                waiting.computeIfAbsent(e.requestDigest(), d -> new ArrayList<>(1)).add(slot);
            } else {
                hold(slot.seq, body);
            }
        }
    }

    /** An authentic body arrived; fills every slot waiting for it. Returns whether any slot was waiting. */
    boolean bodyArrived(Envelope<Request> body) {
        if (unverified.remove(body.digest())) {
            orderedBodies.put(body.digest(), body); // the authentic copy is the one to serve to peers
        }
        return fill(body);
    }

    /**
     * A body this replica could not authenticate (MAC client mode) arrived from a peer: it fills
     * the slots waiting for it, marked unverified; it is kept only if some slot was waiting.
     */
    boolean unverifiedBodyArrived(Envelope<Request> body) {
        boolean filled = fill(body);
        if (filled) {
            unverified.add(body.digest());
        }
        return filled;
    }

    /** Whether some body of {@code slot}'s batch is held unverified here. */
    boolean holdsUnverified(Slot slot) {
        if (unverified.isEmpty()) {
            return false;
        }
        for (BatchEntry e : slot.batch().entries()) {
            if (unverified.contains(e.requestDigest())) {
                return true;
            }
        }
        return false;
    }

    /** Whether the body with {@code digest} is held unverified here (and so is not served to peers). */
    boolean isUnverified(Digest digest) {
        return unverified.contains(digest);
    }

    /** f+1 replicas vouched for the body with {@code digest}: it is authentic from now on. */
    void vouched(Digest digest) {
        unverified.remove(digest);
    }

    /** A correct replica accepted {@code slot}'s batch: its bodies are authentic from now on. */
    void backedByCorrect(Slot slot) {
        if (!unverified.isEmpty()) {
            for (BatchEntry e : slot.batch().entries()) {
                unverified.remove(e.requestDigest());
            }
        }
    }

    private boolean fill(Envelope<Request> body) {
        List<Slot> slotsWaiting = waiting.remove(body.digest());
        if (slotsWaiting == null) {
            return false;
        }
        for (Slot slot : slotsWaiting) {
            List<BatchEntry> entries = slot.batch().entries();
            for (int i = 0; i < entries.size(); i++) {
                if (slot.bodies.get(i) == null && entries.get(i).requestDigest().equals(body.digest())) {
                    slot.bodies.set(i, body);
                    slot.missing--;
                    hold(slot.seq, body);
                }
            }
        }
        return true;
    }

    private void hold(long seq, Envelope<Request> body) {
        orderedBodies.put(body.digest(), body);
        if (heldBySeq.computeIfAbsent(seq, s -> new java.util.HashSet<>()).add(body.digest())) {
            holders.merge(body.digest(), 1, Integer::sum);
        }
    }

    /** The slot at {@code seq} leaves the log: the bodies no other slot ordered go too. */
    private void release(long seq) {
        java.util.Set<Digest> held = heldBySeq.remove(seq);
        if (held == null) {
            return;
        }
        for (Digest d : held) {
            if (holders.merge(d, -1, Integer::sum) == 0) {
                holders.remove(d);
                orderedBodies.remove(d);
                unverified.remove(d);
            }
        }
    }

    /** Clears the slot's view-specific state (see {@link Slot#resetForView}), unhooking its waits. */
    void resetForView(Slot slot) {
        if (slot.prePrepare != null) {
            unhook(slot);
        }
        slot.resetForView();
    }

    private void unhook(Slot slot) {
        for (BatchEntry e : slot.batch().entries()) {
            List<Slot> w = waiting.get(e.requestDigest());
            if (w != null) {
                w.remove(slot);
                if (w.isEmpty()) {
                    waiting.remove(e.requestDigest());
                }
            }
        }
    }

    /** All slots, ascending. */
    Collection<Slot> all() {
        return slots.values();
    }

    Envelope<Request> orderedBody(Digest digest) {
        return orderedBodies.get(digest);
    }

    /**
     * Moves the low watermark to {@code stableSeq}, discarding every slot more than
     * {@code retained} below it.
     */
    void truncate(long stableSeq) {
        Check.that(stableSeq >= low, "watermark moves backwards: %d < %d", stableSeq, low);
        NavigableMap<Long, Slot> gone = slots.headMap(stableSeq - retained, true);
        for (Slot slot : gone.values()) {
            if (slot.prePrepare != null) {
                unhook(slot);
            }
            release(slot.seq);
        }
        gone.clear();
        low = stableSeq;
    }

    void checkInvariants() {
        Check.that(holders.keySet().equals(orderedBodies.keySet()), "ordered bodies without holders, or holders without bodies");
        Check.that(slots.keySet().containsAll(heldBySeq.keySet()), "bodies held for a slot no longer in the log");
        Check.that(orderedBodies.keySet().containsAll(unverified), "unverified digest without a held body");
        for (Slot s : slots.values()) {
            Check.that(s.seq >= retainedFrom() && s.seq <= high(), "slot %d outside log [%d, %d]", s.seq,
                    retainedFrom(), high());
            Check.that(!s.committed || s.prePrepare != null, "slot %d committed without pre-prepare", s.seq);
            Check.that(!s.prepared || s.prePrepare != null, "slot %d prepared without pre-prepare", s.seq);
            if (s.prePrepare != null) {
                long nulls = s.bodies.stream().filter(b -> b == null).count();
                Check.that(nulls == s.missing, "slot %d counts %d missing bodies, has %d", s.seq, s.missing, nulls);
            }
        }
    }
}
