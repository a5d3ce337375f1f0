package io.bastion.core.message;

import java.util.Arrays;

/**
 * A client's operation. Signed by the client; {@code requestNumber} grows with every new
 * operation of that client, which is what makes execution exactly-once.
 */
public record Request(long clientId, long requestNumber, Kind kind, byte[] operation) implements Message {
    /** How the request is answered. */
    public enum Kind {
        /** Ordered, then executed: may change the state. */
        WRITE,
        /** Answered at once by each replica on its current state, without ordering; changes nothing. */
        READ,
        /**
         * A read whose unordered answers did not agree, sent again to be ordered: it is answered
         * by the service's read-only function at its place in the order.
         */
        ORDERED_READ,
        /**
         * Opens a session: the operation is an encoded {@code JoinRequest}, the client id the
         * provisional one of its key, and the request is signed with that key. Ordered.
         */
        JOIN,
        /** Ends the sender's session. Ordered; the operation is empty. */
        LEAVE;
    }

    public Request {
        java.util.Objects.requireNonNull(kind, "kind");
        operation = operation.clone();
    }

    /** A write ({@code readOnly = false}) or an unordered read. */
    public Request(long clientId, long requestNumber, boolean readOnly, byte[] operation) {
        this(clientId, requestNumber, readOnly ? Kind.READ : Kind.WRITE, operation);
    }

    /** Whether replicas answer it at once, without ordering it. */
    public boolean readOnly() {
        return kind == Kind.READ;
    }

    /** Whether the service's read-only function answers it (ordered or not). */
    public boolean isRead() {
        return kind != Kind.WRITE;
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
                && r.kind == kind && Arrays.equals(r.operation, operation);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(clientId) * 31 + Long.hashCode(requestNumber) * 17 + Arrays.hashCode(operation);
    }

    @Override
    public String toString() {
        return "Request[client=" + clientId + ", number=" + requestNumber + (kind == Kind.WRITE ? "" : ", " + kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '))
                + ", " + operation.length + " bytes]";
    }
}
