package io.bastion.net.handshake;

import io.bastion.net.Rejection;

/** A handshake step that failed: the connection is rejected for {@link #reason()}. */
public final class HandshakeException extends Exception {
    private final Rejection reason;

    public HandshakeException(Rejection reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Rejection reason() {
        return reason;
    }
}
