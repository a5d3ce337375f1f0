package io.bastion.core.replica;

import io.bastion.core.crypto.Digest;
import io.bastion.core.util.Check;

import java.util.BitSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * MAC client mode: which peers vouched for a request this replica could not authenticate itself
 * (they relayed it, and a correct replica relays only requests it authenticated). Once f+1
 * distinct peers vouched, one of them is correct and the request is authentic here. Bounded:
 * beyond {@code digestsMax} digests the oldest is forgotten (a faulty peer can make this replica
 * forget vouchers, which delays a request, never makes a forged one authentic).
 */
final class Vouchers {
    private final int needed;
    private final int digestsMax;
    private final LinkedHashMap<Digest, BitSet> byDigest = new LinkedHashMap<>();

    Vouchers(int needed, int digestsMax) {
        Check.argument(needed >= 1 && digestsMax >= 1, "vouchers need positive bounds");
        this.needed = needed;
        this.digestsMax = digestsMax;
    }

    /** Records that {@code from} vouched for {@code digest}; true once (and only when) it makes {@code needed}. */
    boolean vouch(Digest digest, int from) {
        BitSet who = byDigest.computeIfAbsent(digest, d -> new BitSet());
        who.set(from);
        if (who.cardinality() >= needed) {
            byDigest.remove(digest);
            return true;
        }
        if (byDigest.size() > digestsMax) {
            Iterator<Map.Entry<Digest, BitSet>> oldest = byDigest.entrySet().iterator();
            oldest.next();
            oldest.remove();
        }
        return false;
    }

    int size() {
        return byDigest.size();
    }
}
