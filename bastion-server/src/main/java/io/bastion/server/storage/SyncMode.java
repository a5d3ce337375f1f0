package io.bastion.server.storage;

/**
 * Whether storage waits for the disk before it reports a write as done. {@link #FSYNC} is the
 * only mode in which a replica keeps its promises across a crash of the machine.
 */
public enum SyncMode {
    /**
     * Every durable write is forced to the device ({@code fdatasync}) before it returns, and every
     * created, renamed or deleted file is made durable by syncing its directory. The default.
     */
    FSYNC,
    /**
     * UNSAFE, for measuring what durability costs and nothing else. Writes reach the operating
     * system's page cache only: they survive a crash of the process but not of the machine, so a
     * power loss can take back what a replica already said, and the replica could then contradict
     * itself. Never use it in a deployment.
     */
    NONE
}
