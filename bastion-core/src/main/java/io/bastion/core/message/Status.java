package io.bastion.core.message;

/**
 * "This is where I am": sent when a replica makes no progress, so that peers retransmit what it
 * lacks. Authenticated by the replica connection, not signed.
 */
public record Status(int replicaId, int view, long lastExecuted, long lastStable) implements Message {
    @Override
    public MessageType type() {
        return MessageType.STATUS;
    }
}
