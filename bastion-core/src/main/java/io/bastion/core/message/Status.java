package io.bastion.core.message;

/**
 * "This is where I am": sent when a replica makes no progress, so that peers retransmit what it
 * lacks. {@code changing} says it is moving to {@code view} and waits for NEW-VIEW. Authenticated by
 * the replica connection, not signed.
 */
public record Status(int replicaId, int view, boolean changing, long lastDelivered, long lastStable)
        implements Message {
    @Override
    public MessageType type() {
        return MessageType.STATUS;
    }
}
