package io.bastion.core.message;

import java.util.List;

/**
 * The primary's proposal: batch {@code entries} gets sequence number {@code seq} in {@code view},
 * to be executed at agreed time {@code timeMillis} (epoch milliseconds) with randomness derived
 * from {@code seed}. Signed by the primary of {@code view}.
 */
public record PrePrepare(int view, long seq, long timeMillis, long seed, List<BatchEntry> entries)
        implements Message {
    public PrePrepare {
        entries = List.copyOf(entries);
    }

    @Override
    public MessageType type() {
        return MessageType.PRE_PREPARE;
    }
}
