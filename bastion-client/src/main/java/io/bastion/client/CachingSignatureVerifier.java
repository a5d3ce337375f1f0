package io.bastion.client;

import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.crypto.SignatureVerifier;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Checks each signature once per process. A replica signs all replies of a batch with one
 * signature over the same root, so a process running many clients sees the same (key, root,
 * signature) once per client of the batch, and those replies arrive together: the first caller
 * verifies, and callers that ask for the same triple meanwhile wait for its answer instead of
 * verifying it again. Successes stay cached; a failure is answered to those waiting for it and then
 * forgotten, so a later call verifies afresh. The same signature with another key or message is
 * verified on its own, never cached. Bounded (least recently used entries go); thread-safe.
 */
public final class CachingSignatureVerifier implements SignatureVerifier {
    /** Entries kept; a root signature is 64 bytes, its message about 60. */
    public static final int ENTRIES_DEFAULT = 4_096;

    /** One triple's check; {@code valid} completes when its first caller has verified it. */
    private record Check(PublicKeyRef key, byte[] message, CompletableFuture<Boolean> valid) {
        boolean covers(PublicKeyRef otherKey, byte[] otherMessage) {
            return key.equals(otherKey) && Arrays.equals(message, otherMessage);
        }
    }

    private final SignatureVerifier delegate;
    private final Map<SignatureKey, Check> entries;

    /** Signatures compared by content. */
    private record SignatureKey(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof SignatureKey k && Arrays.equals(k.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }

    public CachingSignatureVerifier(SignatureVerifier delegate, int entriesMax) {
        this.delegate = delegate;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<SignatureKey, Check> eldest) {
                return size() > entriesMax;
            }
        };
    }

    @Override
    public boolean verify(PublicKeyRef key, byte[] message, byte[] signature) {
        SignatureKey lookup = new SignatureKey(signature);
        Check seen;
        Check mine = null;
        synchronized (entries) {
            seen = entries.get(lookup);
            if (seen == null) {
                mine = new Check(key, message.clone(), new CompletableFuture<>());
                entries.put(new SignatureKey(signature.clone()), mine);
            }
        }
        if (seen != null) {
            // the same bytes give the same answer: wait for it; other bytes are checked on their own
            return seen.covers(key, message) ? seen.valid().join() : delegate.verify(key, message, signature);
        }
        boolean valid = false;
        try {
            valid = delegate.verify(key, message, signature);
            return valid;
        } finally {
            if (!valid) {
                synchronized (entries) {
                    entries.remove(lookup, mine);
                }
            }
            mine.valid().complete(valid); // also when the delegate threw: no caller waits for ever
        }
    }
}
