package io.bastion.crypto;

import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.util.Check;

import java.security.InvalidKeyException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Public keys in the parsed form a verifier needs (a decoded curve point, a JDK key object), so
 * that a key seen again is not parsed again. Bounded: when full it is emptied and fills up anew,
 * so a flood of fresh keys costs re-parsing but neither memory nor a permanent eviction of the
 * keys in steady use. Keys that fail to parse are not cached. Thread-safe without locks.
 *
 * @param <V> the parsed form
 */
final class ParsedKeyCache<V> {
    /** Turns a key into its parsed form, or says why it is not a valid key. */
    @FunctionalInterface
    interface Parser<V> {
        V parse(PublicKeyRef key) throws InvalidKeyException;
    }

    private final int entriesMax;
    private final Parser<V> parser;
    private final ConcurrentHashMap<PublicKeyRef, V> parsed = new ConcurrentHashMap<>();

    /** A cache of at most {@code entriesMax} keys; 0 parses every time. */
    ParsedKeyCache(int entriesMax, Parser<V> parser) {
        Check.argument(entriesMax >= 0, "entriesMax must be >= 0, got " + entriesMax);
        this.entriesMax = entriesMax;
        this.parser = parser;
    }

    /** The parsed form of {@code key}, or {@code null} when it is not a valid key. */
    V get(PublicKeyRef key) {
        V value = parsed.get(key);
        if (value != null) {
            return value;
        }
        try {
            value = parser.parse(key);
        } catch (InvalidKeyException e) {
            return null;
        }
        if (entriesMax > 0) {
            if (parsed.size() >= entriesMax) {
                parsed.clear();
            }
            parsed.put(key, value);
        }
        return value;
    }

    int size() {
        return parsed.size();
    }
}
