package io.bastion.server.storage;

import io.bastion.core.crypto.Digest;
import io.bastion.core.crypto.Signer;
import io.bastion.core.message.BatchEntry;
import io.bastion.core.message.Checkpoint;
import io.bastion.core.message.Commit;
import io.bastion.core.message.Message;
import io.bastion.core.message.PrePrepare;
import io.bastion.core.message.Prepare;
import io.bastion.core.message.Envelope;
import io.bastion.server.storage.ProtocolLog.Entry;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Deterministic log entries of the kinds a replica persists, for storage tests. */
final class TestMessages {
    /** 32 bytes derived from the message; test only. */
    static final Signer SIGNER = message -> Digest.sha256(message).toBytes();

    private TestMessages() {}

    static Digest digest(long i) {
        return Digest.sha256(ByteBuffer.allocate(Long.BYTES).putLong(i).array());
    }

    /**
     * Entry {@code i} at sequence number {@code seq}: pre-prepares (with batches of 0 to 20
     * requests), prepares, commits and checkpoints in turn. The same arguments always give the
     * same bytes.
     */
    static Entry entry(long seq, int i) {
        Message message = switch (i % 4) {
            case 0 -> new PrePrepare(1, seq, 1_767_225_600_000L + seq, seq * 31 + i, batch(seq, (int) ((seq + i) % 21)));
            case 1 -> new Prepare(i % 4, 1, seq, digest(seq));
            case 2 -> new Commit(i % 4, 1, seq, digest(seq));
            default -> new Checkpoint(i % 4, seq, digest(seq + i));
        };
        return new Entry(seq, message.type().signed() ? Envelope.sign(message, SIGNER) : Envelope.unsigned(message));
    }

    private static List<BatchEntry> batch(long seq, int size) {
        List<BatchEntry> batch = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            batch.add(new BatchEntry(1_000 + i, seq, digest(seq * 1_000 + i)));
        }
        return batch;
    }

    /** The {@code size} entries of a group at sequence number {@code seq}. */
    static List<Entry> group(long seq, int size) {
        List<Entry> group = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            group.add(entry(seq, i));
        }
        return group;
    }
}
