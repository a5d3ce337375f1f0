package io.bastion.core.replica;

import io.bastion.core.crypto.Digest;

import java.util.List;
import java.util.Map;

/**
 * What a restarted replica knows from its own disk: the state snapshot it restored (the last
 * checkpoint it made durable, with the exactly-once table and agreed time taken from that state)
 * and every entry of its protocol log — its own signed pre-prepares, prepares, commits,
 * checkpoints and view changes, and the pre-prepares and request bodies it accepted.
 *
 * @param snapshotSeq    sequence number of the restored state (0: the initial state); a state
 *                       that is durable by itself (a database) may be at any seq
 * @param snapshotDigest its digest when {@code snapshotSeq} is a checkpoint, else {@code null}
 */
public record Recovery(long snapshotSeq, Digest snapshotDigest, Map<Long, Long> clientTable, long lastAgreedTime,
                       List<Output.Persist> log) {
    public Recovery {
        clientTable = Map.copyOf(clientTable);
        log = List.copyOf(log);
    }

    /** A replica that never ran. */
    public static Recovery fresh() {
        return new Recovery(0, Digest.ZERO, Map.of(), 0, List.of());
    }
}
