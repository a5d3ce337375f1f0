package io.bastion.core.auth;

import io.bastion.core.crypto.Digest;
import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.message.Envelope;
import io.bastion.core.util.Check;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * Signatures this replica has already verified, so that the same bytes are checked once: a
 * client's request that arrived directly and comes again in a peer's REQUEST-BODIES (relayed,
 * fetched, re-proposed after a view change), a PRE-PREPARE or PREPARE that comes back inside a
 * VIEW-CHANGE or a retransmission, a VIEW-CHANGE that comes back inside a NEW-VIEW.
 *
 * <p>An entry is a public key, the SHA-256 of a message's canonical encoding and the signature
 * bytes. A message is taken as verified only when all three equal an entry's, so a copy with one
 * byte changed, in its encoding or its signature, or claimed for another key, is verified again
 * (and refused). Only signatures that verified are added; a refused one is checked again every
 * time. Verification is a pure function of those three, so the cache never changes a verdict,
 * only whether it is computed again.
 *
 * <p>A fixed table of {@link #ENTRIES_DEFAULT} slots, indexed by the digest: a new entry replaces
 * whatever held its slot. So it is bounded in memory (a few MiB) and costs no lock. Someone who
 * makes entries collide only makes this replica verify again, as it would without the table.
 *
 * <p>Thread-safe: verifier threads read and write it at once. Entries are immutable and written
 * with release, read with acquire semantics, so a thread that sees an entry sees all of it; a
 * thread that does not yet see one verifies again, which is only slower. (No
 * {@code java.util.concurrent}: the core stays free of it, see CorePurityTest.)
 */
public final class VerifiedSignatures {
    /**
     * Slots in a replica's table: about 650 batches of 25 requests with their agreement messages,
     * seconds of traffic under load, well beyond the time within which a relayed or fetched copy
     * of a request follows the original (a quarter of the request timeout, or a fetch delay).
     */
    public static final int ENTRIES_DEFAULT = 1 << 14;

    private record Entry(PublicKeyRef key, Digest digest, byte[] signature) {}

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Entry[].class);

    private final Entry[] table;
    private final int mask;

    /** @param entries slots in the table, a power of two */
    public VerifiedSignatures(int entries) {
        Check.argument(entries > 0 && Integer.bitCount(entries) == 1, "entries must be a power of two: " + entries);
        this.table = new Entry[entries];
        this.mask = entries - 1;
    }

    /** Whether {@code signed}'s signature was verified under {@code key} and recorded with {@link #add}. */
    public boolean contains(PublicKeyRef key, Envelope<?> signed) {
        Digest digest = signed.digest();
        Entry e = (Entry) SLOT.getAcquire(table, slot(digest));
        return e != null && e.digest.equals(digest) && e.key.equals(key)
                && Arrays.equals(e.signature, signed.signatureUnsafe());
    }

    /** Records that {@code signed}'s signature verified under {@code key}. Call only after it did. */
    public void add(PublicKeyRef key, Envelope<?> signed) {
        Digest digest = signed.digest();
        // a copy: the entry must not change with an array its envelope shares
        SLOT.setRelease(table, slot(digest), new Entry(key, digest, signed.signature()));
    }

    private int slot(Digest digest) {
        int h = digest.hashCode();
        return (h ^ (h >>> 16)) & mask;
    }
}
