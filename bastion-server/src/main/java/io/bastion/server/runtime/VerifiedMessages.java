package io.bastion.server.runtime;

import io.bastion.core.auth.MessageAuthenticator.Verdict;
import io.bastion.core.crypto.Digest;
import io.bastion.core.message.Envelope;
import io.bastion.core.util.Check;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The authenticator's verdicts on the most recently checked VIEW-CHANGE, NEW-VIEW and CHECKPOINT
 * messages from peers, so that an identical copy is not checked again. These are the messages
 * peers retransmit whole (a NEW-VIEW to every replica that reports an older view), and the first
 * two are the expensive ones: a NEW-VIEW carries 2f+1 VIEW-CHANGEs, each with prepared
 * certificates of up to {@code logSize} slots, all signed. A copy is identical when its canonical
 * encoding (by its SHA-256) and its signature are; the verdict on a peer's message depends on
 * nothing else, so a bad copy is as bad as the first (and as cheap to refuse). Holds at most
 * {@code capacity} entries, the least recently used leaving first. Thread-safe.
 */
final class VerifiedMessages {
    private record Checked(byte[] signature, Verdict verdict) {}

    private final int capacity;
    private final Map<Digest, Checked> checked;

    VerifiedMessages(int capacity) {
        Check.argument(capacity > 0, "capacity must be positive");
        this.capacity = capacity;
        this.checked = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Digest, Checked> eldest) {
                return size() > VerifiedMessages.this.capacity;
            }
        };
    }

    /** Whether {@code message} is of a type worth remembering. */
    static boolean remembers(Envelope<?> message) {
        return switch (message.type()) {
            case VIEW_CHANGE, NEW_VIEW, CHECKPOINT -> true;
            default -> false;
        };
    }

    /** The verdict on exactly {@code message} (encoding and signature) from before, or {@code null}. */
    Verdict verdictOf(Envelope<?> message) {
        Digest digest = message.digest();
        synchronized (this) {
            Checked c = checked.get(digest);
            return c != null && Arrays.equals(c.signature(), message.signatureUnsafe()) ? c.verdict() : null;
        }
    }

    /** Remembers the verdict on {@code message}. */
    void remember(Envelope<?> message, Verdict verdict) {
        Digest digest = message.digest();
        synchronized (this) {
            checked.put(digest, new Checked(message.signatureUnsafe(), verdict));
        }
    }

    synchronized int size() {
        return checked.size();
    }
}
