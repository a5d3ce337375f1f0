package io.bastion.net.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.fail;

/**
 * A WebSocket client for tests (the JDK's): collects every text message, reassembled, in arrival
 * order; every wait is bounded. {@link #close} aborts the socket.
 */
public final class WebSocketProbe implements AutoCloseable {
    public static final Duration BOUND = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final WebSocket socket;

    private WebSocketProbe(HttpClient http, URI uri) throws Exception {
        this.socket = http.newWebSocketBuilder().connectTimeout(BOUND).buildAsync(uri, new Collector())
                .get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
    }

    public static WebSocketProbe open(HttpClient http, URI uri) throws Exception {
        return new WebSocketProbe(http, uri);
    }

    public void send(String text) throws Exception {
        socket.sendText(text, true).get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
    }

    public void sendBinary(byte[] data) throws Exception {
        socket.sendBinary(ByteBuffer.wrap(data), true).get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The next message, parsed; fails the test if none arrives within {@link #BOUND}. */
    public JsonNode next() throws Exception {
        String text = messages.poll(BOUND.toMillis(), TimeUnit.MILLISECONDS);
        if (text == null) {
            fail("no WebSocket message within " + BOUND.toMillis() + " ms");
        }
        return JSON.readTree(text);
    }

    /** The next message, which must have {@code type}. */
    public JsonNode next(String type) throws Exception {
        JsonNode message = next();
        if (!type.equals(message.path("type").asText())) {
            fail("expected a " + type + " message, got " + message);
        }
        return message;
    }

    /** Whether the server closed the connection within {@code bound}. */
    /** The next message if one arrives within {@code wait}, else {@code null}. */
    public JsonNode poll(Duration wait) throws Exception {
        String text = messages.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        return text == null ? null : JSON.readTree(text);
    }

    public boolean closedWithin(Duration bound) {
        try {
            closed.get(bound.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() {
        socket.abort();
    }

    private final class Collector implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(-1);
        }
    }
}
