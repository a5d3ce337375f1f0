package io.bastion.core.replica;

import io.bastion.core.crypto.Digest;
import io.bastion.core.message.Request;
import io.bastion.core.message.Signed;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Request bodies a replica received but has not executed yet, and the queue of those no batch
 * has ordered (in arrival order, which is the order the primary proposes them in). Bounded in
 * total and per client; a client keeps at most {@code perClientMax} bodies, its newest.
 */
final class RequestPool {
    enum AddResult { ADDED, DUPLICATE, FULL }

    private final int max;
    private final int perClientMax;
    private final Map<Digest, Signed<Request>> byDigest = new HashMap<>();
    private final Map<Long, ArrayDeque<Digest>> byClient = new HashMap<>();
    private final LinkedHashSet<Digest> unordered = new LinkedHashSet<>();
    private final Map<Digest, Long> arrivals = new HashMap<>();

    RequestPool(int max, int perClientMax) {
        this.max = max;
        this.perClientMax = perClientMax;
    }

    AddResult add(Signed<Request> request, long nowMillis) {
        Digest d = request.digest();
        if (byDigest.containsKey(d)) {
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
        unordered.add(d);
        arrivals.put(d, nowMillis);
        return AddResult.ADDED;
    }

    Signed<Request> get(Digest digest) {
        return byDigest.get(digest);
    }

    /** When the oldest request no batch has ordered yet arrived, or {@code Long.MAX_VALUE}. */
    long oldestUnorderedArrival() {
        return unordered.isEmpty() ? Long.MAX_VALUE : arrivals.get(unordered.getFirst());
    }

    /**
     * Puts the held bodies among {@code digests} back in the queue: the batch that ordered them
     * was replaced (a newer view's proposal), so they are unordered again.
     */
    void requeue(List<Digest> digests, long nowMillis) {
        for (Digest d : digests) {
            if (byDigest.containsKey(d) && unordered.add(d)) {
                arrivals.put(d, nowMillis);
            }
        }
    }

    /** Gives requests that arrived before the clock was known the time {@code nowMillis}. */
    void stampUnknownArrivals(long nowMillis) {
        arrivals.replaceAll((d, t) -> t == 0 ? nowMillis : t);
    }

    /** Requests no batch ordered yet, oldest first (a new primary proposes them). */
    List<Signed<Request>> unorderedRequests() {
        List<Signed<Request>> out = new ArrayList<>(unordered.size());
        for (Digest d : unordered) {
            out.add(byDigest.get(d));
        }
        return out;
    }

    /**
     * Puts every held body back in the queue (after a view change nothing is ordered yet), as if
     * it arrived now: the new primary gets a full timeout to order it.
     */
    void requeueAll(long nowMillis) {
        unordered.addAll(byDigest.keySet());
        arrivals.replaceAll((d, t) -> nowMillis);
    }

    /** Drops the bodies of requests the client table says were executed (after a state transfer). */
    void removeExecuted(ClientTable clients) {
        List<Digest> gone = new ArrayList<>();
        for (Map.Entry<Digest, Signed<Request>> e : byDigest.entrySet()) {
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
        Signed<Request> r = byDigest.remove(d);
        if (r == null) {
            return;
        }
        unordered.remove(d);
        arrivals.remove(d);
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
    List<Signed<Request>> takeBatch(int requestsMax, int bytesMax, Predicate<Request> stillWanted) {
        List<Signed<Request>> batch = new ArrayList<>();
        int bytes = 0;
        Iterator<Digest> it = unordered.iterator();
        while (it.hasNext() && batch.size() < requestsMax) {
            Signed<Request> r = byDigest.get(it.next());
            if (!stillWanted.test(r.message())) {
                it.remove();
                continue;
            }
            int size = r.message().operationUnsafe().length;
            if (!batch.isEmpty() && bytes + size > bytesMax) {
                break;
            }
            batch.add(r);
            bytes += size;
            it.remove();
        }
        return batch;
    }

    void checkInvariants() {
        io.bastion.core.util.Check.that(byDigest.size() <= max, "request pool over its bound");
        io.bastion.core.util.Check.that(byDigest.keySet().containsAll(unordered), "queued request without body");
    }
}
