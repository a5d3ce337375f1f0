package io.bastion.evoting;

import io.bastion.threshold.Element;
import io.bastion.threshold.Group;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bounded memo of group elements by their encoding: what {@link Group#decode} gives for bytes seen
 * lately, and the encodings of elements written lately. Decoding a compressed P-256 point costs a
 * square root; a value read back soon after it was written (an election's running sums, cast after
 * cast) is then found here instead. Keyed by content and filled only with true pairs, so a lookup
 * gives exactly what decoding would: replicas stay deterministic whatever each one's memo holds.
 * Least recently used entries leave first. Thread-safe.
 */
final class DecodedPoints {
    private final Group group;
    private final Map<ByteBuffer, Element> entries;

    DecodedPoints(Group group, int entriesMax) {
        this.group = group;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Element> eldest) {
                return size() > entriesMax;
            }
        };
    }

    /** {@code group.decode(encoded)}; throws as it does. */
    Element decode(byte[] encoded) {
        ByteBuffer key = ByteBuffer.wrap(encoded.clone());
        synchronized (entries) {
            Element known = entries.get(key);
            if (known != null) {
                return known;
            }
        }
        Element element = group.decode(encoded);
        synchronized (entries) {
            entries.put(key, element);
        }
        return element;
    }

    /** {@code element.encode()}, remembered so that decoding those bytes later finds {@code element}. */
    byte[] encode(Element element) {
        byte[] encoded = element.encode();
        synchronized (entries) {
            entries.put(ByteBuffer.wrap(encoded.clone()), element);
        }
        return encoded;
    }

    /** How many pairs it holds now. */
    int size() {
        synchronized (entries) {
            return entries.size();
        }
    }
}
