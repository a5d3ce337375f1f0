package io.bastion.core.replica;

import io.bastion.core.crypto.Digest;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.core.util.Check;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Request bodies a replica received but has not executed yet, and the queue of those no batch
 * has ordered (in arrival order, which is the order the primary proposes them in). Bounded in
 * total and per client; a client keeps at most {@code perClientMax} bodies, its newest.
 *
 * <p>A backup relays a request no batch ordered to the primary once it has waited
 * {@code relayDelayMillis} (and again every {@code relayDelayMillis} while it stays unordered):
 * a client may have sent it to the backups only. The primary is suspected only for requests it
 * was given, so the request timer of a request starts at its first relay ({@link #oldestRelayed});
 * in MAC client mode the primary may be unable to check a relayed request (a faulty client gave
 * it a bad tag), so only signed requests start the timer. A signed copy of a held MAC request
 * (same digest) replaces it.
 */
final class RequestPool {
    enum AddResult { ADDED, DUPLICATE, FULL }

    private final int max;
    private final int perClientMax;
    private final long relayDelayMillis;
    private final Map<Digest, Envelope<Request>> byDigest = new HashMap<>();
    private final Map<Long, ArrayDeque<Digest>> byClient = new HashMap<>();
    private final LinkedHashSet<Digest> unordered = new LinkedHashSet<>();
    /** Unordered requests and when they are next due for relay; due times grow along the order. */
    private final LinkedHashMap<Digest, Long> relayDue = new LinkedHashMap<>();
    /** Unordered requests relayed at least once, with when first; first relays grow along the order. */
    private final LinkedHashMap<Digest, Long> relayedSince = new LinkedHashMap<>();

    RequestPool(int max, int perClientMax, long relayDelayMillis) {
        Check.argument(relayDelayMillis > 0, "relay delay must be positive");
        this.max = max;
        this.perClientMax = perClientMax;
        this.relayDelayMillis = relayDelayMillis;
    }

    AddResult add(Envelope<Request> request, long nowMillis) {
        Digest d = request.digest();
        Envelope<Request> held = byDigest.get(d);
        if (held != null) {
            if (held.hasAuthenticator() && !request.hasAuthenticator()) {
                byDigest.put(d, request); // a signed copy (a MAC client's fallback) can be relayed to anyone
            }
            return AddResult.DUPLICATE;
        }
        long client = request.message().clientId();
        ArrayDeque<Digest> mine = byClient.computeIfAbsent(client, c -> new ArrayDeque<>());
        if (mine.size() >= perClientMax) {
            remove(mine.peekFirst()); // the client's oldest body gives way to its newest
        } else if (byDigest.size() >= max) {
            if (mine.isEmpty()) {
                byClient.remove(client);
            }
            return AddResult.FULL;
        }
        byDigest.put(d, request);
        byClient.computeIfAbsent(client, c -> new ArrayDeque<>()).addLast(d);
        enqueue(d, nowMillis);
        return AddResult.ADDED;
    }

    private void enqueue(Digest d, long nowMillis) {
        unordered.add(d);
        relayDue.remove(d);
        relayDue.put(d, nowMillis + relayDelayMillis);
        relayedSince.remove(d);
    }

    Envelope<Request> get(Digest digest) {
        return byDigest.get(digest);
    }

    /**
     * When the oldest request no batch ordered was first relayed to the primary, or
     * {@code Long.MAX_VALUE}: from then on the primary had the request and time to order it.
     */
    long oldestRelayed() {
        return relayedSince.isEmpty() ? Long.MAX_VALUE : relayedSince.firstEntry().getValue();
    }

    /**
     * When the oldest unordered request was queued (it arrived, or a view change put it back), or
     * {@code Long.MAX_VALUE} when none waits. Exact at a primary, which relays nothing; at a backup
     * each relay moves it on.
     */
    long oldestQueuedMillis() {
        return relayDue.isEmpty() ? Long.MAX_VALUE : relayDue.firstEntry().getValue() - relayDelayMillis;
    }

    /** The oldest relayed request still unordered, described (for the log line of a view change). */
    String oldestRelayedRequest() {
        if (relayedSince.isEmpty()) {
            return "none";
        }
        Request r = byDigest.get(relayedSince.firstEntry().getKey()).message();
        return r.clientId() + "/" + r.requestNumber() + " (" + r.kind() + ")";
    }

    /**
     * The unordered requests due for relay at {@code nowMillis}, oldest first, at most
     * {@code countMax} of them and {@code bytesMax} operation bytes (but at least one); each is
     * due again {@code relayDelayMillis} later while it stays unordered.
     */
    List<Envelope<Request>> takeDueForRelay(long nowMillis, int countMax, int bytesMax) {
        List<Envelope<Request>> due = new ArrayList<>();
        long bytes = 0;
        while (!relayDue.isEmpty() && due.size() < countMax) {
            Map.Entry<Digest, Long> head = relayDue.firstEntry();
            if (head.getValue() > nowMillis) {
                break;
            }
            Envelope<Request> body = byDigest.get(head.getKey());
            int size = body.message().operationUnsafe().length;
            if (!due.isEmpty() && bytes + size > bytesMax) {
                break;
            }
            due.add(body);
            bytes += size;
            relayDue.pollFirstEntry();
            relayDue.put(head.getKey(), nowMillis + relayDelayMillis);
            if (!body.hasAuthenticator()) {
                // a MAC request may carry a bad tag for the primary alone: relaying it proves nothing
                relayedSince.putIfAbsent(head.getKey(), nowMillis);
            }
        }
        return due;
    }

    /**
     * Puts the held bodies among {@code digests} back in the queue: the batch that ordered them
     * was replaced (a newer view's proposal), so they are unordered again.
     */
    void requeue(List<Digest> digests, long nowMillis) {
        for (Digest d : digests) {
            if (byDigest.containsKey(d) && !unordered.contains(d)) {
                enqueue(d, nowMillis);
            }
        }
    }

    /** Requests that arrived before the clock was known (replayed at a restart) are due from {@code nowMillis}. */
    void stampUnknownArrivals(long nowMillis) {
        relayDue.replaceAll((d, due) -> due <= relayDelayMillis ? nowMillis + relayDelayMillis : due);
    }

    /**
     * Puts every held body back in the queue (after a view change nothing is ordered yet), as if
     * it arrived now: the new primary is relayed what it may lack and gets a full timeout to
     * order it.
     */
    void requeueAll(long nowMillis) {
        unordered.addAll(byDigest.keySet());
        relayDue.clear();
        relayedSince.clear();
        for (Digest d : unordered) {
            relayDue.put(d, nowMillis + relayDelayMillis);
        }
    }

    /** Drops the bodies of requests the client table says were executed (after a state transfer). */
    void removeExecuted(ClientTable clients) {
        List<Digest> gone = new ArrayList<>();
        for (Map.Entry<Digest, Envelope<Request>> e : byDigest.entrySet()) {
            Request r = e.getValue().message();
            if (!clients.isNew(r.clientId(), r.requestNumber())) {
                gone.add(e.getKey());
            }
        }
        gone.forEach(this::remove);
    }

    /** A batch ordered this request: it leaves the queue but its body stays until executed. */
    void markOrdered(Digest digest) {
        unordered.remove(digest);
        relayDue.remove(digest);
        relayedSince.remove(digest);
    }

    boolean hasUnordered() {
        return !unordered.isEmpty();
    }

    int size() {
        return byDigest.size();
    }

    int unorderedCount() {
        return unordered.size();
    }

    /** Drops every body of {@code clientId} numbered up to {@code requestNumber} (now executed). */
    void removeUpTo(long clientId, long requestNumber) {
        ArrayDeque<Digest> mine = byClient.get(clientId);
        if (mine == null) {
            return;
        }
        List<Digest> gone = new ArrayList<>();
        for (Digest d : mine) {
            if (byDigest.get(d).message().requestNumber() <= requestNumber) {
                gone.add(d);
            }
        }
        gone.forEach(this::remove);
    }

    /** Drops one body (an executed Join, which the client table does not track). */
    void removeBody(Digest d) {
        if (byDigest.containsKey(d)) {
            remove(d);
        }
    }

    private void remove(Digest d) {
        Envelope<Request> r = byDigest.remove(d);
        if (r == null) {
            return;
        }
        markOrdered(d);
        ArrayDeque<Digest> mine = byClient.get(r.message().clientId());
        mine.remove(d);
        if (mine.isEmpty()) {
            byClient.remove(r.message().clientId());
        }
    }

    /**
     * Takes requests from the head of the queue for a new batch, up to the bounds; requests that
     * {@code stillWanted} rejects (already executed) are dropped from the queue on the way.
     */
    List<Envelope<Request>> takeBatch(int requestsMax, int bytesMax, Predicate<Request> stillWanted) {
        return takeBatch(requestsMax, bytesMax, 1, stillWanted, r -> true);
    }

    /**
     * As above, but takes nothing unless the batch holds at least {@code requestsMin} requests or
     * is full by its bytes; requests that {@code ready} rejects stay queued, in their place, for a
     * later batch (MAC-mode requests not yet vouched for by 2f+1 replicas).
     */
    List<Envelope<Request>> takeBatch(int requestsMax, int bytesMax, int requestsMin, Predicate<Request> stillWanted,
                                      Predicate<Envelope<Request>> ready) {
        List<Envelope<Request>> batch = new ArrayList<>();
        List<Digest> unwanted = new ArrayList<>();
        int bytes = 0;
        boolean fullByBytes = false;
        Iterator<Digest> it = unordered.iterator();
        while (it.hasNext() && batch.size() < requestsMax) {
            Digest d = it.next();
            Envelope<Request> r = byDigest.get(d);
            if (!stillWanted.test(r.message())) {
                unwanted.add(d);
                continue;
            }
            if (!ready.test(r)) {
                continue;
            }
            int size = r.message().operationUnsafe().length;
            if (!batch.isEmpty() && bytes + size > bytesMax) {
                fullByBytes = true;
                break;
            }
            batch.add(r);
            bytes += size;
        }
        unwanted.forEach(this::markOrdered);
        if (batch.size() < requestsMin && !fullByBytes) {
            return List.of();
        }
        for (Envelope<Request> r : batch) {
            markOrdered(r.digest());
        }
        return batch;
    }

    void checkInvariants() {
        Check.that(byDigest.size() <= max, "request pool over its bound");
        Check.that(byDigest.keySet().containsAll(unordered), "queued request without body");
        Check.that(relayDue.size() == unordered.size() && unordered.containsAll(relayDue.keySet()),
                "relay queue differs from the unordered queue");
        Check.that(relayDue.keySet().containsAll(relayedSince.keySet()), "relayed request no longer queued");
    }
}
