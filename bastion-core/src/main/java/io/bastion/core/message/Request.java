package io.bastion.core.message;

import java.util.Arrays;

/**
 * A client's operation. Signed by the client; {@code requestNumber} grows with every new
 * operation of that client, which is what makes execution exactly-once.
 */
public record Request(long clientId, long requestNumber, boolean readOnly, byte[] operation) implements Message {
    public Request {
        operation = operation.clone();
    }

    @Override
    public MessageType type() {
        return MessageType.REQUEST;
    }

    @Override
    public byte[] operation() {
        return operation.clone();
    }

    /** The operation bytes without a copy; callers must not modify them. */
    public byte[] operationUnsafe() {
        return operation;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Request r && r.clientId == clientId && r.requestNumber == requestNumber
                && r.readOnly == readOnly && Arrays.equals(r.operation, operation);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(clientId) * 31 + Long.hashCode(requestNumber) * 17 + Arrays.hashCode(operation);
    }

    @Override
    public String toString() {
        return "Request[client=" + clientId + ", number=" + requestNumber + (readOnly ? ", read-only" : "")
                + ", " + operation.length + " bytes]";
    }
}
