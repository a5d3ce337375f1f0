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

    public static final NetSettings DEFAULTS = builder().build();

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

    /** Settings with every value at its default, to change some of them. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these settings, to change some of them. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    public NetSettings withFrameBytesMax(int frameBytesMax) {
        return toBuilder().frameBytesMax(frameBytesMax).build();
    }

    public NetSettings withHandshakeTimeoutMillis(long handshakeTimeoutMillis) {
        return toBuilder().handshakeTimeoutMillis(handshakeTimeoutMillis).build();
    }

    public NetSettings withPeerQueue(int peerQueueFramesMax, long peerQueueBytesMax) {
        return toBuilder().peerQueueFramesMax(peerQueueFramesMax).peerQueueBytesMax(peerQueueBytesMax).build();
    }

    public NetSettings withClientQueue(int clientQueueFramesMax, long clientQueueBytesMax) {
        return toBuilder().clientQueueFramesMax(clientQueueFramesMax).clientQueueBytesMax(clientQueueBytesMax).build();
    }

    public NetSettings withConnectionsMax(int pendingHandshakesMax, int clientConnectionsMax) {
        return toBuilder().pendingHandshakesMax(pendingHandshakesMax).clientConnectionsMax(clientConnectionsMax).build();
    }

    public NetSettings withWriteBufferHighBytes(int writeBufferHighBytes) {
        return toBuilder().writeBufferHighBytes(writeBufferHighBytes).build();
    }

    public NetSettings withClientTimeouts(long clientIdleTimeoutMillis, long clientMessageTimeoutMillis) {
        return toBuilder().clientIdleTimeoutMillis(clientIdleTimeoutMillis).clientMessageTimeoutMillis(clientMessageTimeoutMillis).build();
    }

    /**
     * Settings by name: starts from the defaults (or from given settings) and validates only in
     * {@link #build()}, so settings that depend on each other can be changed in any order.
     */
    public static final class Builder {
        private int frameBytesMax = DEFAULT_FRAME_BYTES_MAX;
        private long handshakeTimeoutMillis = DEFAULT_HANDSHAKE_TIMEOUT_MILLIS;
        private int peerQueueFramesMax = DEFAULT_PEER_QUEUE_FRAMES_MAX;
        private long peerQueueBytesMax = DEFAULT_PEER_QUEUE_BYTES_MAX;
        private int pendingHandshakesMax = DEFAULT_PENDING_HANDSHAKES_MAX;
        private int clientConnectionsMax = DEFAULT_CLIENT_CONNECTIONS_MAX;
        private int clientQueueFramesMax = DEFAULT_CLIENT_QUEUE_FRAMES_MAX;
        private long clientQueueBytesMax = DEFAULT_CLIENT_QUEUE_BYTES_MAX;
        private long reconnectDelayMinMillis = DEFAULT_RECONNECT_DELAY_MIN_MILLIS;
        private long reconnectDelayMaxMillis = DEFAULT_RECONNECT_DELAY_MAX_MILLIS;
        private long connectTimeoutMillis = DEFAULT_CONNECT_TIMEOUT_MILLIS;
        private int writeBufferHighBytes = DEFAULT_WRITE_BUFFER_HIGH_BYTES;
        private long clientIdleTimeoutMillis = DEFAULT_CLIENT_IDLE_TIMEOUT_MILLIS;
        private long clientMessageTimeoutMillis = DEFAULT_CLIENT_MESSAGE_TIMEOUT_MILLIS;

        private Builder() {
        }

        private Builder(NetSettings s) {
            frameBytesMax = s.frameBytesMax;
            handshakeTimeoutMillis = s.handshakeTimeoutMillis;
            peerQueueFramesMax = s.peerQueueFramesMax;
            peerQueueBytesMax = s.peerQueueBytesMax;
            pendingHandshakesMax = s.pendingHandshakesMax;
            clientConnectionsMax = s.clientConnectionsMax;
            clientQueueFramesMax = s.clientQueueFramesMax;
            clientQueueBytesMax = s.clientQueueBytesMax;
            reconnectDelayMinMillis = s.reconnectDelayMinMillis;
            reconnectDelayMaxMillis = s.reconnectDelayMaxMillis;
            connectTimeoutMillis = s.connectTimeoutMillis;
            writeBufferHighBytes = s.writeBufferHighBytes;
            clientIdleTimeoutMillis = s.clientIdleTimeoutMillis;
            clientMessageTimeoutMillis = s.clientMessageTimeoutMillis;
        }

        public Builder frameBytesMax(int value) {
            frameBytesMax = value;
            return this;
        }

        public Builder handshakeTimeoutMillis(long value) {
            handshakeTimeoutMillis = value;
            return this;
        }

        public Builder peerQueueFramesMax(int value) {
            peerQueueFramesMax = value;
            return this;
        }

        public Builder peerQueueBytesMax(long value) {
            peerQueueBytesMax = value;
            return this;
        }

        public Builder pendingHandshakesMax(int value) {
            pendingHandshakesMax = value;
            return this;
        }

        public Builder clientConnectionsMax(int value) {
            clientConnectionsMax = value;
            return this;
        }

        public Builder clientQueueFramesMax(int value) {
            clientQueueFramesMax = value;
            return this;
        }

        public Builder clientQueueBytesMax(long value) {
            clientQueueBytesMax = value;
            return this;
        }

        public Builder reconnectDelayMinMillis(long value) {
            reconnectDelayMinMillis = value;
            return this;
        }

        public Builder reconnectDelayMaxMillis(long value) {
            reconnectDelayMaxMillis = value;
            return this;
        }

        public Builder connectTimeoutMillis(long value) {
            connectTimeoutMillis = value;
            return this;
        }

        public Builder writeBufferHighBytes(int value) {
            writeBufferHighBytes = value;
            return this;
        }

        public Builder clientIdleTimeoutMillis(long value) {
            clientIdleTimeoutMillis = value;
            return this;
        }

        public Builder clientMessageTimeoutMillis(long value) {
            clientMessageTimeoutMillis = value;
            return this;
        }

        public NetSettings build() {
            return new NetSettings(frameBytesMax, handshakeTimeoutMillis, peerQueueFramesMax, peerQueueBytesMax,
                    pendingHandshakesMax, clientConnectionsMax, clientQueueFramesMax, clientQueueBytesMax,
                    reconnectDelayMinMillis, reconnectDelayMaxMillis, connectTimeoutMillis, writeBufferHighBytes,
                    clientIdleTimeoutMillis, clientMessageTimeoutMillis);
        }
    }
}
