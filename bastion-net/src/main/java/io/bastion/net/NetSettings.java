package io.bastion.net;

import io.bastion.core.util.Check;

/**
 * Limits and timings of Bastion's TCP transport, shared by the replica mesh, the client endpoint
 * and the client-side connectors. Immutable; validated once on construction, with messages naming
 * the offending setting.
 *
 * <p>Every frame on the wire is a {@value #LENGTH_PREFIX_BYTES}-byte big-endian length followed by
 * that many bytes of frame body. Queue bounds count frame bodies plus their length prefixes, so
 * each queue must hold at least one frame of {@code frameBytesMax}.
 *
 * @param frameBytesMax             largest frame body sent or accepted; a longer length prefix
 *                                  closes the connection
 * @param handshakeTimeoutMillis    how long a replica connection may take to authenticate
 * @param peerQueueFramesMax        frames queued per peer replica while it is disconnected or not
 *                                  reading; beyond this the oldest are dropped
 * @param peerQueueBytesMax         bytes queued per peer replica, likewise
 * @param pendingHandshakesMax      connections on the replica port still in their handshake; more
 *                                  are refused (authenticated ones are at most one per peer)
 * @param clientConnectionsMax      connections open at once on the client port; more are refused
 * @param clientQueueFramesMax      frames queued per client connection (replica side) or per
 *                                  replica (client side) while the other end does not read
 * @param clientQueueBytesMax       bytes queued per client connection or per replica, likewise
 * @param reconnectDelayMinMillis   first reconnect delay; it doubles with each failed attempt
 * @param reconnectDelayMaxMillis   cap of the reconnect delay
 * @param connectTimeoutMillis      TCP connect timeout of one attempt
 * @param writeBufferHighBytes      bytes buffered in a socket's Netty outbound buffer above which
 *                                  the channel is "not writable" and frames wait in the bounded
 *                                  queue instead; it becomes writable again below half of this
 * @param clientIdleTimeoutMillis   a client connection (client port or WebSocket) that has sent no
 *                                  message for this long (or since it opened) is closed, as is
 *                                  one whose outgoing queue has stayed full (dropping frames) for
 *                                  this long
 * @param clientMessageTimeoutMillis a client connection whose bytes have not made a complete, valid
 *                                  message this long after the first of them arrived is closed
 *                                  (slowloris: a trickled frame, or a length prefix promising a
 *                                  frame that never comes); on the web port, a connection's first
 *                                  HTTP request must be complete this long after it opened
 */
public record NetSettings(
        int frameBytesMax,
        long handshakeTimeoutMillis,
        int peerQueueFramesMax,
        long peerQueueBytesMax,
        int pendingHandshakesMax,
        int clientConnectionsMax,
        int clientQueueFramesMax,
        long clientQueueBytesMax,
        long reconnectDelayMinMillis,
        long reconnectDelayMaxMillis,
        long connectTimeoutMillis,
        int writeBufferHighBytes,
        long clientIdleTimeoutMillis,
        long clientMessageTimeoutMillis) {

    /** Size of the length prefix in front of every frame body. */
    public static final int LENGTH_PREFIX_BYTES = 4;
    /** Smallest allowed {@code frameBytesMax}: every handshake frame must fit. */
    public static final int FRAME_BYTES_MIN = 1024;
    /** Smallest allowed {@code writeBufferHighBytes}. */
    public static final int WRITE_BUFFER_HIGH_BYTES_MIN = 1024;

    public static final int DEFAULT_FRAME_BYTES_MAX = 8 << 20;
    public static final long DEFAULT_HANDSHAKE_TIMEOUT_MILLIS = 5_000;
    public static final int DEFAULT_PEER_QUEUE_FRAMES_MAX = 16_384;
    public static final long DEFAULT_PEER_QUEUE_BYTES_MAX = 64L << 20;
    public static final int DEFAULT_PENDING_HANDSHAKES_MAX = 64;
    public static final int DEFAULT_CLIENT_CONNECTIONS_MAX = 4_096;
    public static final int DEFAULT_CLIENT_QUEUE_FRAMES_MAX = 1_024;
    public static final long DEFAULT_CLIENT_QUEUE_BYTES_MAX = 16L << 20;
    public static final long DEFAULT_RECONNECT_DELAY_MIN_MILLIS = 20;
    public static final long DEFAULT_RECONNECT_DELAY_MAX_MILLIS = 2_000;
    public static final long DEFAULT_CONNECT_TIMEOUT_MILLIS = 2_000;
    public static final int DEFAULT_WRITE_BUFFER_HIGH_BYTES = 1 << 20;
    /**
     * Above the Java client's longest retransmission interval (4 s) and request timeout (30 s),
     * so a client with a request outstanding is never idle; an idle one reconnects when it next sends.
     */
    public static final long DEFAULT_CLIENT_IDLE_TIMEOUT_MILLIS = 60_000;
    /** A client message is small (a request, a Hello, a Join of a few KiB); ten seconds covers a slow link. */
    public static final long DEFAULT_CLIENT_MESSAGE_TIMEOUT_MILLIS = 10_000;

    public static final NetSettings DEFAULTS = new NetSettings(
            DEFAULT_FRAME_BYTES_MAX,
            DEFAULT_HANDSHAKE_TIMEOUT_MILLIS,
            DEFAULT_PEER_QUEUE_FRAMES_MAX,
            DEFAULT_PEER_QUEUE_BYTES_MAX,
            DEFAULT_PENDING_HANDSHAKES_MAX,
            DEFAULT_CLIENT_CONNECTIONS_MAX,
            DEFAULT_CLIENT_QUEUE_FRAMES_MAX,
            DEFAULT_CLIENT_QUEUE_BYTES_MAX,
            DEFAULT_RECONNECT_DELAY_MIN_MILLIS,
            DEFAULT_RECONNECT_DELAY_MAX_MILLIS,
            DEFAULT_CONNECT_TIMEOUT_MILLIS,
            DEFAULT_WRITE_BUFFER_HIGH_BYTES,
            DEFAULT_CLIENT_IDLE_TIMEOUT_MILLIS,
            DEFAULT_CLIENT_MESSAGE_TIMEOUT_MILLIS);

    public NetSettings {
        Check.argument(frameBytesMax >= FRAME_BYTES_MIN,
                "frameBytesMax must be at least " + FRAME_BYTES_MIN + ", got " + frameBytesMax);
        positive(handshakeTimeoutMillis, "handshakeTimeoutMillis");
        queue(peerQueueFramesMax, peerQueueBytesMax, frameBytesMax, "peerQueue");
        positive(pendingHandshakesMax, "pendingHandshakesMax");
        positive(clientConnectionsMax, "clientConnectionsMax");
        queue(clientQueueFramesMax, clientQueueBytesMax, frameBytesMax, "clientQueue");
        positive(reconnectDelayMinMillis, "reconnectDelayMinMillis");
        Check.argument(reconnectDelayMaxMillis >= reconnectDelayMinMillis,
                "reconnectDelayMaxMillis must be at least reconnectDelayMinMillis, got " + reconnectDelayMaxMillis);
        positive(connectTimeoutMillis, "connectTimeoutMillis");
        Check.argument(writeBufferHighBytes >= WRITE_BUFFER_HIGH_BYTES_MIN,
                "writeBufferHighBytes must be at least " + WRITE_BUFFER_HIGH_BYTES_MIN + ", got " + writeBufferHighBytes);
        positive(clientIdleTimeoutMillis, "clientIdleTimeoutMillis");
        positive(clientMessageTimeoutMillis, "clientMessageTimeoutMillis");
        Check.argument(clientMessageTimeoutMillis <= clientIdleTimeoutMillis,
                "clientMessageTimeoutMillis must not exceed clientIdleTimeoutMillis, got "
                        + clientMessageTimeoutMillis);
    }

    private static void positive(long value, String name) {
        Check.argument(value > 0, name + " must be positive, got " + value);
    }

    private static void queue(int framesMax, long bytesMax, int frameBytesMax, String name) {
        positive(framesMax, name + "FramesMax");
        Check.argument(bytesMax >= (long) frameBytesMax + LENGTH_PREFIX_BYTES,
                name + "BytesMax must hold one frame of frameBytesMax (" + frameBytesMax + " + "
                        + LENGTH_PREFIX_BYTES + " bytes), got " + bytesMax);
    }

    /** Bytes a frame body of {@code bodyBytes} occupies on the wire and in queue bounds. */
    public static long wireBytes(int bodyBytes) {
        return (long) bodyBytes + LENGTH_PREFIX_BYTES;
    }

    public NetSettings withFrameBytesMax(int frameBytesMax) {
        return new NetSettings(frameBytesMax, handshakeTimeoutMillis, peerQueueFramesMax, peerQueueBytesMax,
                pendingHandshakesMax, clientConnectionsMax, clientQueueFramesMax, clientQueueBytesMax,
                reconnectDelayMinMillis, reconnectDelayMaxMillis, connectTimeoutMillis, writeBufferHighBytes,
                clientIdleTimeoutMillis, clientMessageTimeoutMillis);
    }

    public NetSettings withHandshakeTimeoutMillis(long handshakeTimeoutMillis) {
        return new NetSettings(frameBytesMax, handshakeTimeoutMillis, peerQueueFramesMax, peerQueueBytesMax,
                pendingHandshakesMax, clientConnectionsMax, clientQueueFramesMax, clientQueueBytesMax,
                reconnectDelayMinMillis, reconnectDelayMaxMillis, connectTimeoutMillis, writeBufferHighBytes,
                clientIdleTimeoutMillis, clientMessageTimeoutMillis);
    }

    public NetSettings withPeerQueue(int peerQueueFramesMax, long peerQueueBytesMax) {
        return new NetSettings(frameBytesMax, handshakeTimeoutMillis, peerQueueFramesMax, peerQueueBytesMax,
                pendingHandshakesMax, clientConnectionsMax, clientQueueFramesMax, clientQueueBytesMax,
                reconnectDelayMinMillis, reconnectDelayMaxMillis, connectTimeoutMillis, writeBufferHighBytes,
                clientIdleTimeoutMillis, clientMessageTimeoutMillis);
    }

    public NetSettings withClientQueue(int clientQueueFramesMax, long clientQueueBytesMax) {
        return new NetSettings(frameBytesMax, handshakeTimeoutMillis, peerQueueFramesMax, peerQueueBytesMax,
                pendingHandshakesMax, clientConnectionsMax, clientQueueFramesMax, clientQueueBytesMax,
                reconnectDelayMinMillis, reconnectDelayMaxMillis, connectTimeoutMillis, writeBufferHighBytes,
                clientIdleTimeoutMillis, clientMessageTimeoutMillis);
    }

    public NetSettings withConnectionsMax(int pendingHandshakesMax, int clientConnectionsMax) {
        return new NetSettings(frameBytesMax, handshakeTimeoutMillis, peerQueueFramesMax, peerQueueBytesMax,
                pendingHandshakesMax, clientConnectionsMax, clientQueueFramesMax, clientQueueBytesMax,
                reconnectDelayMinMillis, reconnectDelayMaxMillis, connectTimeoutMillis, writeBufferHighBytes,
                clientIdleTimeoutMillis, clientMessageTimeoutMillis);
    }

    public NetSettings withWriteBufferHighBytes(int writeBufferHighBytes) {
        return new NetSettings(frameBytesMax, handshakeTimeoutMillis, peerQueueFramesMax, peerQueueBytesMax,
                pendingHandshakesMax, clientConnectionsMax, clientQueueFramesMax, clientQueueBytesMax,
                reconnectDelayMinMillis, reconnectDelayMaxMillis, connectTimeoutMillis, writeBufferHighBytes,
                clientIdleTimeoutMillis, clientMessageTimeoutMillis);
    }

    public NetSettings withClientTimeouts(long clientIdleTimeoutMillis, long clientMessageTimeoutMillis) {
        return new NetSettings(frameBytesMax, handshakeTimeoutMillis, peerQueueFramesMax, peerQueueBytesMax,
                pendingHandshakesMax, clientConnectionsMax, clientQueueFramesMax, clientQueueBytesMax,
                reconnectDelayMinMillis, reconnectDelayMaxMillis, connectTimeoutMillis, writeBufferHighBytes,
                clientIdleTimeoutMillis, clientMessageTimeoutMillis);
    }
}
