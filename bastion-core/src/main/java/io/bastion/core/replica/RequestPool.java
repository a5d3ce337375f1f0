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

    RequestPool(int max, int perClientMax) {
        this.max = max;
        this.perClientMax = perClientMax;
    }

    AddResult add(Signed<Request> request) {
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
        return AddResult.ADDED;
    }

    Signed<Request> get(Digest digest) {
        return byDigest.get(digest);
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

    private void remove(Digest d) {
        Signed<Request> r = byDigest.remove(d);
        if (r == null) {
            return;
        }
        unordered.remove(d);
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
