package io.bastion.core.client;

import io.bastion.core.crypto.Digest;
import io.bastion.core.crypto.Signer;
import io.bastion.core.message.Reply;
import io.bastion.core.message.ReplyProof;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.core.quorum.Quorums;
import io.bastion.core.util.Check;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The client side of the protocol as a deterministic state machine, shared by the Java client
 * library and the simulator: one outstanding request at a time, sent to every replica,
 * retransmitted with doubling back-off until f+1 replicas sign the same result.
 *
 * <p>Signatures are checked lazily: replies are grouped by result, and only when a group could
 * complete are its members verified — so a client usually checks f+1 signatures, not n.
 * Not thread-safe.
 */
public final class ClientCore {
    private final long clientId;
    private final Quorums quorums;
    private final RequestSealer sealer;
    private final ReplyVerifier verifier;
    private final long retransmitInitialMillis;
    private final long retransmitMaxMillis;
    private long nextRequestNumber;

    private Envelope<Request> current;
    /** The outstanding request is read-only: it needs 2f+1 matching replies, not f+1. */
    private boolean readOnly;
    /** A reply and the digest of its result, computed once. */
    private record Received(Reply reply, Digest result) {}

    private final Map<Integer, Received> unverified = new HashMap<>();
    private final Map<Integer, Received> verified = new HashMap<>();
    private long invalidReplies;
    private long retransmitAtMillis;
    private long retransmitDelayMillis;
    private long sends;

    /**
     * @param firstRequestNumber numbers must grow across client restarts too; a wall-clock based
     *                           start (e.g. microseconds since the epoch) does that
     */
    public ClientCore(long clientId, Quorums quorums, Signer signer, ReplyVerifier verifier,
                      long firstRequestNumber, long retransmitInitialMillis, long retransmitMaxMillis) {
        this(clientId, quorums, RequestSealer.signing(signer), verifier, firstRequestNumber, retransmitInitialMillis,
                retransmitMaxMillis);
    }

    /** A client that authenticates each sending of a request as {@code sealer} says (MAC client mode). */
    public ClientCore(long clientId, Quorums quorums, RequestSealer sealer, ReplyVerifier verifier,
                      long firstRequestNumber, long retransmitInitialMillis, long retransmitMaxMillis) {
        Check.argument(firstRequestNumber > 0, "request numbers start above 0");
        Check.argument(retransmitInitialMillis > 0 && retransmitMaxMillis >= retransmitInitialMillis,
                "retransmission delays must be positive and max >= initial");
        this.clientId = clientId;
        this.quorums = quorums;
        this.sealer = sealer;
        this.verifier = verifier;
        this.nextRequestNumber = firstRequestNumber;
        this.retransmitInitialMillis = retransmitInitialMillis;
        this.retransmitMaxMillis = retransmitMaxMillis;
    }

    public long clientId() {
        return clientId;
    }

    public boolean busy() {
        return current != null;
    }

    /** The outstanding request, or {@code null}. */
    public Envelope<Request> current() {
        return current;
    }

    /** How many times the current request was sent (1 + retransmissions). */
    public long sends() {
        return sends;
    }

    /** Replies dropped because their signature or proof did not check out. */
    public long invalidReplies() {
        return invalidReplies;
    }

    /** Starts a request; the caller sends the returned message to every replica. */
    public Envelope<Request> start(byte[] operation, long nowMillis) {
        return start(operation, Request.Kind.WRITE, nowMillis);
    }

    /**
     * Starts a read-only request: replicas answer at once on their current state, and the result
     * counts once 2f+1 of them signed it. If they disagree (their states differ in time) the
     * caller falls back to an ordered request.
     */
    public Envelope<Request> startReadOnly(byte[] operation, long nowMillis) {
        return start(operation, Request.Kind.READ, nowMillis);
    }

    /**
     * Starts a read as an ordered request — the fallback when unordered answers disagree: the
     * service's read-only function answers it at its place in the order, and f+1 replies count.
     */
    public Envelope<Request> startOrderedRead(byte[] operation, long nowMillis) {
        return start(operation, Request.Kind.ORDERED_READ, nowMillis);
    }

    /**
     * Starts a request of any kind: {@link Request.Kind#JOIN} (from a core whose id is the
     * provisional id of its key, with an encoded Join as operation) or {@link Request.Kind#LEAVE}
     * as well as the kinds above.
     */
    public Envelope<Request> start(byte[] operation, Request.Kind kind, long nowMillis) {
        Check.argument(current == null, "client " + clientId + " already has request " + nextRequestNumber
                + " outstanding");
        readOnly = kind == Request.Kind.READ;
        current = sealer.seal(new Request(clientId, nextRequestNumber++, kind, operation), 1, null);
        unverified.clear();
        verified.clear();
        retransmitDelayMillis = retransmitInitialMillis;
        retransmitAtMillis = nowMillis + retransmitDelayMillis;
        sends = 1;
        return current;
    }

    /** Abandons the outstanding request (its number is never reused). */
    public void abandon() {
        current = null;
    }

    /** Time passes: returns the request to send again to every replica, or {@code null}. */
    public Envelope<Request> onTick(long nowMillis) {
        if (current == null || nowMillis < retransmitAtMillis) {
            return null;
        }
        retransmitDelayMillis = Math.min(retransmitDelayMillis * 2, retransmitMaxMillis);
        retransmitAtMillis = nowMillis + retransmitDelayMillis;
        sends++;
        current = sealer.seal(current.message(), sends, current);
        return current;
    }

    /** A reply arrived; returns the outcome once decided, else {@code null}. */
    public Outcome onReply(Reply reply) {
        if (current == null || reply.clientId() != clientId
                || reply.requestNumber() != current.message().requestNumber()
                || reply.replicaId() < 0 || reply.replicaId() >= quorums.n()
                || verified.containsKey(reply.replicaId())) {
            return null;
        }
        // a later reply from the same replica replaces an unchecked one
        unverified.put(reply.replicaId(), new Received(reply,
                ReplyProof.leaf(reply.clientId(), reply.requestNumber(), reply.status(), reply.resultUnsafe())));
        Outcome outcome = decide();
        if (outcome != null) {
            current = null;
        }
        return outcome;
    }

    /** Matching replies the outstanding request needs. */
    private int needed() {
        return readOnly ? quorums.readOnlyReply() : quorums.reply();
    }

    public boolean readOnly() {
        return readOnly;
    }

    private Outcome decide() {
        Map<Digest, List<Integer>> groups = groupByResult();
        for (Map.Entry<Digest, List<Integer>> group : groups.entrySet()) {
            if (group.getValue().size() < needed()) {
                continue;
            }
            for (int replica : group.getValue()) {
                verifyOne(replica);
            }
            List<Integer> good = replicasWith(group.getKey(), verified);
            if (good.size() >= needed()) {
                return done(group.getKey(), good);
            }
        }
        int answered = unverified.size() + verified.size();
        int largest = groups.values().stream().mapToInt(List::size).max().orElse(0);
        if (largest + (quorums.n() - answered) < needed()) {
            new ArrayList<>(unverified.keySet()).forEach(this::verifyOne);
            Map<Digest, List<Integer>> checked = groupByResult();
            int best = checked.values().stream().mapToInt(List::size).max().orElse(0);
            int answeredNow = verified.size();
            if (best + (quorums.n() - answeredNow) < needed()) {
                return conflict(checked);
            }
        }
        return null;
    }

    private Map<Digest, List<Integer>> groupByResult() {
        Map<Digest, List<Integer>> groups = new HashMap<>();
        for (Map<Integer, Received> source : List.of(verified, unverified)) {
            for (Received r : source.values()) {
                groups.computeIfAbsent(r.result(), d -> new ArrayList<>()).add(r.reply().replicaId());
            }
        }
        return groups;
    }

    private void verifyOne(int replica) {
        Received r = unverified.remove(replica);
        if (r == null) {
            return;
        }
        if (verifier.verify(r.reply())) {
            verified.put(replica, r);
        } else {
            invalidReplies++; // dropped; a genuine reply from that replica may still come
        }
    }

    private static List<Integer> replicasWith(Digest result, Map<Integer, Received> source) {
        List<Integer> out = new ArrayList<>();
        for (Received r : source.values()) {
            if (r.result().equals(result)) {
                out.add(r.reply().replicaId());
            }
        }
        return out;
    }

    private Outcome done(Digest result, List<Integer> agreeing) {
        new ArrayList<>(unverified.keySet()).forEach(this::verifyOne); // dissent must be signed to count
        Set<Integer> dissenting = new TreeSet<>();
        for (Received r : verified.values()) {
            if (!r.result().equals(result)) {
                dissenting.add(r.reply().replicaId());
            }
        }
        Reply agreed = verified.get(agreeing.get(0)).reply();
        int view = agreeing.stream().mapToInt(r -> verified.get(r).reply().view()).max().orElse(0);
        return new Outcome.Done(current.message().requestNumber(), agreed.status(), agreed.result(),
                new TreeSet<>(agreeing), dissenting, view);
    }

    private Outcome conflict(Map<Digest, List<Integer>> groups) {
        List<Set<Integer>> sets = new ArrayList<>();
        for (List<Integer> g : groups.values()) {
            sets.add(new LinkedHashSet<>(new TreeSet<>(g)));
        }
        sets.sort(Comparator.comparingInt((Set<Integer> s) -> -s.size()).thenComparing(s -> s.iterator().next()));
        return new Outcome.Conflict(current.message().requestNumber(), sets);
    }
}
