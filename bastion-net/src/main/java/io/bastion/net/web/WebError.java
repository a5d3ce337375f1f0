package io.bastion.net.web;

/**
 * Why a WebSocket message from a client was dropped. Unlike the TCP client port, a WebSocket
 * keeps its message boundaries, so one bad message does not spoil the next: the endpoint answers
 * {@code {"type":"error","reason":...}}, counts the reason in {@link WebCounters} and keeps the
 * connection open. Only a violation of the WebSocket protocol itself
 * ({@link #PROTOCOL_VIOLATION}) closes it.
 */
public enum WebError {
    /** Not a single JSON object (or nested deeper than {@link WebMessages#NESTING_DEPTH_MAX}). */
    NOT_JSON,
    /** A {@code type} that clients do not send. */
    UNKNOWN_TYPE,
    /** A field missing, unexpected, of the wrong JSON type, or out of range (key algorithm or length, nonce, credentials). */
    INVALID_FIELD,
    /** A binary field that is not standard base64 with padding. */
    BAD_BASE64,
    /** A {@code frame} the codec refused, or one that holds no REQUEST. */
    BAD_FRAME,
    /** A message above {@link WebEndpoint#MESSAGE_BYTES_MAX}, or a frame above the transport's frameBytesMax. */
    OVERSIZED,
    /** A binary WebSocket message: the protocol is JSON text. */
    BINARY_MESSAGE,
    /** A frame the WebSocket decoder refused (the connection is closed). */
    PROTOCOL_VIOLATION
}
