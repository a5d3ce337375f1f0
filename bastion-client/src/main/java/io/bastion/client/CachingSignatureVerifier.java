package io.bastion.client;

import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.crypto.SignatureVerifier;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers signatures that verified. A replica signs all replies of a batch with one signature
 * over the same root, so a process running many clients sees the same (key, root, signature) once
 * per client of the batch and checks it once. Only successes are cached; a miss verifies. Bounded
 * (least recently used entries go); thread-safe.
 */
public final class CachingSignatureVerifier implements SignatureVerifier {
    /** Entries kept; a root signature is 64 bytes, its message about 60. */
    public static final int ENTRIES_DEFAULT = 4_096;

    private record Verified(PublicKeyRef key, byte[] message) {}

    private final SignatureVerifier delegate;
    private final Map<SignatureKey, Verified> verified;

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
        this.verified = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<SignatureKey, Verified> eldest) {
                return size() > entriesMax;
            }
        };
    }

    @Override
    public boolean verify(PublicKeyRef key, byte[] message, byte[] signature) {
        SignatureKey lookup = new SignatureKey(signature);
        synchronized (verified) {
            Verified hit = verified.get(lookup);
            if (hit != null && hit.key().equals(key) && Arrays.equals(hit.message(), message)) {
                return true;
            }
        }
        if (!delegate.verify(key, message, signature)) {
            return false;
        }
        synchronized (verified) {
            verified.put(new SignatureKey(signature.clone()), new Verified(key, message.clone()));
        }
        return true;
    }
}
