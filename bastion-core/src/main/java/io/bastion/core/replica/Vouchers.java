package io.bastion.core.replica;

import io.bastion.core.crypto.Digest;
import io.bastion.core.util.Check;

import java.util.BitSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * MAC client mode: which replicas vouched for a request (VOUCH messages, relays; this replica
 * itself once its own tag checked). A correct replica vouches only for requests authentic to it, so
 * f+1 vouchers make a request authentic anywhere, and 2f+1 mean f+1 correct replicas vouched to
 * everyone: a primary waits for that before proposing a MAC-mode request, so that every correct
 * backup can accept it. Bounded: beyond {@code digestsMax} digests the oldest is forgotten (a faulty
 * peer can make this replica forget vouchers, which delays a request, never makes a forged one
 * authentic). Not thread-safe (the core's).
 */
final class Vouchers {
    private final int digestsMax;
    private final LinkedHashMap<Digest, BitSet> byDigest = new LinkedHashMap<>();

    Vouchers(int digestsMax) {
        Check.argument(digestsMax >= 1, "vouchers need a positive bound");
        this.digestsMax = digestsMax;
    }

    /** Records that replica {@code from} vouched for {@code digest}; whether that is news. */
    boolean add(Digest digest, int from) {
        BitSet who = byDigest.get(digest);
        if (who == null) {
            who = new BitSet();
            byDigest.put(digest, who);
            if (byDigest.size() > digestsMax) {
                Iterator<Map.Entry<Digest, BitSet>> oldest = byDigest.entrySet().iterator();
                oldest.next();
                oldest.remove();
            }
        }
        if (who.get(from)) {
            return false;
        }
        who.set(from);
        return true;
    }

    /** Distinct replicas that vouched for {@code digest}. */
    int count(Digest digest) {
        BitSet who = byDigest.get(digest);
        return who == null ? 0 : who.cardinality();
    }

    /** Forgets {@code digest} (its request executed). */
    void remove(Digest digest) {
        byDigest.remove(digest);
    }

    int size() {
        return byDigest.size();
    }

    void checkInvariants() {
        Check.that(byDigest.size() <= digestsMax, "vouchers over their bound");
    }
}
