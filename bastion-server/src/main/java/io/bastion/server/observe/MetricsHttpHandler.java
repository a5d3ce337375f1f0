package io.bastion.server.observe;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.ReadTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;

/**
 * Answers HTTP requests for {@link MetricsServer}: {@code GET} or {@code HEAD} of
 * {@link MetricsServer#PATH} gets the metrics, another path 404, another method 405, a request
 * the decoder could not read 400 (and the connection is closed). A failing metric supplier gives
 * 500. Stateless apart from the registry; one instance serves every connection.
 */
@ChannelHandler.Sharable
final class MetricsHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsHttpHandler.class);
    private static final String ALLOWED_METHODS = "GET, HEAD";

    private final Metrics metrics;

    MetricsHttpHandler(Metrics metrics) {
        this.metrics = metrics;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            respond(ctx, plain(HttpResponseStatus.BAD_REQUEST, "malformed request"), false);
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (!MetricsServer.PATH.equals(new QueryStringDecoder(request.uri()).path())) {
            respond(ctx, plain(HttpResponseStatus.NOT_FOUND, "metrics are at " + MetricsServer.PATH), keepAlive);
        } else if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD)) {
            FullHttpResponse response = plain(HttpResponseStatus.METHOD_NOT_ALLOWED, "use GET");
            response.headers().set(HttpHeaderNames.ALLOW, ALLOWED_METHODS);
            respond(ctx, response, keepAlive);
        } else {
            respond(ctx, metricsResponse(ctx, request.method().equals(HttpMethod.HEAD)), keepAlive);
        }
    }

    private FullHttpResponse metricsResponse(ChannelHandlerContext ctx, boolean headOnly) {
        String text;
        try {
            text = metrics.scrape();
        } catch (RuntimeException e) {
            LOG.warn("a metric could not be read", e);
            return plain(HttpResponseStatus.INTERNAL_SERVER_ERROR, "a metric could not be read: " + e);
        }
        ByteBuf body = ByteBufUtil.writeUtf8(ctx.alloc(), text);
        int length = body.readableBytes();
        if (headOnly) {
            body.release();
            body = Unpooled.EMPTY_BUFFER;
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, MetricsServer.CONTENT_TYPE)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, length);
        return response;
    }

    private static FullHttpResponse plain(HttpResponseStatus status, String message) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(message + "\n", StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        return response;
    }

    private static void respond(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof ReadTimeoutException)) {
            LOG.debug("metrics connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        }
        ctx.close();
    }
}
