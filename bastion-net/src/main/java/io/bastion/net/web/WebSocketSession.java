package io.bastion.net.web;

import io.bastion.core.message.Envelope;
import io.bastion.net.channel.ChannelErrors;
import io.bastion.net.endpoint.ClientConnection;
import io.bastion.net.endpoint.ClientEndpoint;
import io.bastion.net.http.HttpServer;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handler that makes a WebSocket a client connection. When the upgrade completes it drops
 * the HTTP-only handlers and has the {@link ClientEndpoint} {@linkplain ClientEndpoint#adopt
 * adopt} the channel, so the connection shares the client port's limits, bindings and handler.
 * Inbound, each text message is decoded by {@link WebMessages} and passed on as a {@link Envelope}
 * message, or dropped, counted and answered with an error (the connection stays open). Outbound,
 * every {@link Envelope} message the connection's queue writes becomes one text message.
 *
 * <p>Error answers bypass the connection's bounded queue (they are not frames of the protocol)
 * and are dropped, and counted, when the client is not reading. One instance per connection,
 * confined to its event loop.
 */
final class WebSocketSession extends ChannelDuplexHandler {
    private static final Logger LOG = LoggerFactory.getLogger(WebSocketSession.class);

    private final ClientEndpoint clients;
    private final WebMessages messages;
    private final WebCounters counters;
    private ClientConnection connection;

    WebSocketSession(ClientEndpoint clients, WebMessages messages, WebCounters counters) {
        this.clients = clients;
        this.messages = messages;
        this.counters = counters;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            ctx.pipeline().remove(HttpServer.DEADLINES); // the client endpoint's time limits take over
            ctx.pipeline().remove(HttpServer.ROUTES);
            connection = clients.adopt(ctx.channel());
            LOG.debug("WebSocket from {} {}", ctx.channel().remoteAddress(),
                    connection == null ? "refused: client connections are at their limit" : "open");
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof WebSocketFrame frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            if (connection == null) {
                return; // refused: the channel is closing
            }
            if (!(frame instanceof TextWebSocketFrame text)) {
                refuse(ctx, WebError.BINARY_MESSAGE, "messages are JSON text, not binary");
            } else if (text.content().readableBytes() > WebEndpoint.MESSAGE_BYTES_MAX) {
                refuse(ctx, WebError.OVERSIZED, tooLong());
            } else {
                switch (messages.decode(text.text())) {
                    case WebMessages.Accepted accepted -> ctx.fireChannelRead(accepted.message());
                    case WebMessages.Refused refused -> refuse(ctx, refused.error(), refused.reason());
                }
            }
        } finally {
            ReferenceCountUtil.release(frame);
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof Envelope<?> message) {
            ctx.write(new TextWebSocketFrame(WebMessages.encode(message)), promise);
        } else {
            ctx.write(msg, promise);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException && connection != null) {
            refuse(ctx, WebError.OVERSIZED, tooLong()); // fragments of one message, reassembled beyond the bound
        } else if (cause instanceof CorruptedFrameException) {
            counters.count(WebError.PROTOCOL_VIOLATION);
            LOG.debug("closing WebSocket {}: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        } else {
            ChannelErrors.closeOnError(ctx, cause, LOG);
        }
    }

    private static String tooLong() {
        return "message longer than " + WebEndpoint.MESSAGE_BYTES_MAX + " bytes";
    }

    private void refuse(ChannelHandlerContext ctx, WebError error, String reason) {
        counters.count(error);
        LOG.debug("dropped a message from {}: {} ({})", ctx.channel().remoteAddress(), error, reason);
        if (ctx.channel().isWritable()) {
            ctx.writeAndFlush(new TextWebSocketFrame(WebMessages.error(reason)), ctx.voidPromise());
        } else {
            counters.errorAnswerDropped();
        }
    }
}
