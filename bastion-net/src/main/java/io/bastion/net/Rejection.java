package io.bastion.net;

import io.bastion.core.message.CodecException;

/**
 * Why the transport closed or refused a connection. A byte stream that carried one bad frame
 * cannot be trusted to resynchronise, so every rejection closes the whole connection; each is
 * counted in {@link TransportCounters} under one of these reasons.
 */
public enum Rejection {
    /** A length prefix above {@link NetSettings#frameBytesMax()}. */
    OVERSIZED,
    /** A frame body shorter than its fields, or a connection that ended inside a frame. */
    TRUNCATED,
    /** A frame whose first byte is no known message or handshake type. */
    UNKNOWN_TYPE,
    /** Bytes left over after a complete message inside one frame. */
    TRAILING_BYTES,
    /** A field out of its range (boolean not 0/1, negative count, bad signature length, ...). */
    INVALID_FIELD,
    /** A well-formed frame that the handshake does not expect at this point. */
    HANDSHAKE_UNEXPECTED_FRAME,
    /** A HELLO naming a replica that does not exist, another acceptor, or the wrong dialing side. */
    HANDSHAKE_WRONG_ID,
    /** A handshake signature that does not verify under the peer's key from the cluster config. */
    HANDSHAKE_BAD_SIGNATURE,
    /** A replica connection that did not authenticate within {@link NetSettings#handshakeTimeoutMillis()}. */
    HANDSHAKE_TIMEOUT,
    /**
     * A TLS handshake that failed: a certificate refused (expired, not yet valid, of another
     * replica, not signed by the key in the cluster file, from an unknown CA, for another name),
     * ours refused by the other end, or bytes that are not TLS (a plaintext client on a TLS port).
     */
    TLS_HANDSHAKE,
    /** A connection accepted while the listener already held its maximum. */
    CONNECTION_LIMIT,
    /** A client connection that sent no message for {@link NetSettings#clientIdleTimeoutMillis()}. */
    IDLE_TIMEOUT,
    /**
     * A client connection whose bytes made no complete, valid message within
     * {@link NetSettings#clientMessageTimeoutMillis()} of the first of them (bytes trickling, or a
     * length prefix promising a frame that never comes), or, on the web port, without a complete
     * first HTTP request that long after it opened.
     */
    MESSAGE_TIMEOUT,
    /**
     * A client connection whose outgoing queue stayed full, dropping frames, for
     * {@link NetSettings#clientIdleTimeoutMillis()}: the client does not read.
     */
    SLOW_READER;

    /** The rejection for a frame that the message codec refused. */
    public static Rejection of(CodecException.Reason reason) {
        return switch (reason) {
            case TRUNCATED -> TRUNCATED;
            case OVERSIZED -> OVERSIZED;
            case UNKNOWN_TYPE -> UNKNOWN_TYPE;
            case TRAILING_BYTES -> TRAILING_BYTES;
            case INVALID_FIELD -> INVALID_FIELD;
        };
    }
}
