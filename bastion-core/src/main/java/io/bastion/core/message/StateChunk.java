package io.bastion.core.message;

import java.util.Arrays;

/** One chunk of the state at checkpoint {@code seq}; checked against the manifest's leaf. */
public record StateChunk(int replicaId, long seq, int index, byte[] data) implements Message {
    public StateChunk {
        data = data.clone();
    }

    @Override
    public MessageType type() {
        return MessageType.STATE_CHUNK;
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    public byte[] dataUnsafe() {
        return data;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StateChunk c && c.replicaId == replicaId && c.seq == seq && c.index == index
                && Arrays.equals(c.data, data);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(seq) * 31 + index;
    }

    @Override
    public String toString() {
        return "StateChunk[replica=" + replicaId + ", seq=" + seq + ", index=" + index + ", " + data.length + " bytes]";
    }
}
