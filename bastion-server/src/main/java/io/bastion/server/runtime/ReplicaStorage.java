package io.bastion.server.runtime;

import io.bastion.server.storage.FileProtocolLog;
import io.bastion.server.storage.ProtocolLog;
import io.bastion.server.storage.SnapshotStore;
import io.bastion.server.storage.SyncMode;

import java.nio.file.Path;

/**
 * Where a replica keeps what must survive a restart: its protocol log (what it said and accepted,
 * written before it is sent) and the snapshots of its state at checkpoints.
 *
 * @param snapshots {@code null} when nothing is kept (tests, measurements without storage)
 */
public record ReplicaStorage(ProtocolLog log, SnapshotStore snapshots) {
    /** Nothing durable: a restart starts from scratch. For tests and measurements only. */
    public static ReplicaStorage none() {
        return new ReplicaStorage(ProtocolLog.NONE, null);
    }

    /** The log in {@code <data>/log} and snapshots in {@code <data>/snapshots}. */
    public static ReplicaStorage open(Path dataDirectory, SyncMode syncMode) {
        ProtocolLog log = FileProtocolLog.open(dataDirectory.resolve("log"),
                FileProtocolLog.Settings.defaults().withSyncMode(syncMode));
        return new ReplicaStorage(log, SnapshotStore.open(dataDirectory.resolve("snapshots"), syncMode));
    }
}
