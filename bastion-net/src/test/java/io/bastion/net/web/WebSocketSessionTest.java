package io.bastion.net.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bastion.core.message.Hello;
import io.bastion.core.message.Envelope;
import io.bastion.crypto.Ed25519SigningKey;
import io.bastion.net.NetSettings;
import io.bastion.net.endpoint.ClientConnection;
import io.bastion.net.endpoint.ClientEndpoint;
import io.bastion.net.http.HttpServer;
import io.bastion.net.testing.Messages;
import io.bastion.net.testing.TestCluster;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The WebSocket session handler on an in-memory channel, for what a real client cannot easily
 * produce: one unfragmented text frame above {@link WebEndpoint#MESSAGE_BYTES_MAX}, the
 * aggregator's and the decoder's exceptions, and what the connection's queue writes.
 */
class WebSocketSessionTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Envelope<?>> delivered = new ArrayList<>();
    private final WebCounters counters = new WebCounters();
    private final List<ClientConnection> connections = new ArrayList<>();
    private ClientEndpoint clients;
    private EmbeddedChannel channel;

    @BeforeEach
    void open() {
        clients = new ClientEndpoint(new InetSocketAddress(TestCluster.HOST, 0), NetSettings.DEFAULTS,
                (connection, message) -> {
                    connections.add(connection);
                    delivered.add(message);
                });
        channel = new EmbeddedChannel();
        channel.pipeline()
                .addLast(HttpServer.DEADLINES, new ChannelInboundHandlerAdapter())
                .addLast(HttpServer.ROUTES, new ChannelInboundHandlerAdapter())
                .addLast(new WebSocketSession(clients, new WebMessages(NetSettings.DEFAULTS.frameBytesMax()), counters));
        channel.pipeline().fireUserEventTriggered(
                new WebSocketServerProtocolHandler.HandshakeComplete("/ws", EmptyHttpHeaders.INSTANCE, null));
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
        clients.close();
    }

    private JsonNode nextOutbound() throws Exception {
        TextWebSocketFrame frame = channel.readOutbound();
        assertThat(frame).as("an outbound text message").isNotNull();
        try {
            return JSON.readTree(frame.text());
        } finally {
            frame.release();
        }
    }

    private String validHello() {
        return WebEndpointTest.hello("ED25519", Ed25519SigningKey.generate(new SecureRandom()).publicKey().rawUnsafe(),
                new byte[16], new byte[0]);
    }

    @Test
    void theUpgradeDropsTheHttpHandlersAndMakesTheChannelAClientConnection() {
        assertThat(channel.pipeline().get(HttpServer.DEADLINES)).isNull();
        assertThat(channel.pipeline().get(HttpServer.ROUTES)).isNull();
        assertThat(clients.connectionCount()).isEqualTo(1);
        channel.writeInbound(new TextWebSocketFrame(validHello()));
        assertThat(delivered).singleElement().satisfies(m -> assertThat(m.message()).isInstanceOf(Hello.class));
    }

    @Test
    void oneFrameAboveTheMessageBoundIsRefusedAndTheNextIsRead() throws Exception {
        channel.writeInbound(new TextWebSocketFrame("x".repeat(WebEndpoint.MESSAGE_BYTES_MAX + 1)));
        assertThat(nextOutbound().get("reason").asText()).contains("longer than " + WebEndpoint.MESSAGE_BYTES_MAX);
        assertThat(counters.counted(WebError.OVERSIZED)).isEqualTo(1);
        assertThat(delivered).isEmpty();

        channel.writeInbound(new TextWebSocketFrame(validHello()));
        assertThat(delivered).hasSize(1);
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void reassembledFragmentsBeyondTheBoundGetAnErrorButAProtocolViolationCloses() throws Exception {
        channel.pipeline().fireExceptionCaught(new TooLongFrameException("content length exceeded"));
        assertThat(nextOutbound().get("type").asText()).isEqualTo("error");
        assertThat(channel.isOpen()).isTrue();

        channel.pipeline().fireExceptionCaught(new CorruptedFrameException("bad mask"));
        assertThat(counters.counted(WebError.PROTOCOL_VIOLATION)).isEqualTo(1);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void whatTheQueueWritesLeavesAsOneJsonTextMessage() throws Exception {
        channel.writeInbound(new TextWebSocketFrame(validHello()));
        connections.get(0).send(Messages.reply(0, 5, 6, new byte[] {1}));
        channel.runPendingTasks();
        JsonNode reply = nextOutbound();
        assertThat(reply.get("type").asText()).isEqualTo("reply");
        assertThat(WebEndpointTest.reply(reply).requestNumber()).isEqualTo(6);
    }
}
