package io.bastion.net.web;

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Answers the plain HTTP requests of a {@link WebEndpoint} (the WebSocket upgrade at
 * {@link WebEndpoint#WEBSOCKET_PATH} is taken before this handler): {@code GET} or {@code HEAD} of
 * {@link WebEndpoint#CLUSTER_PATH} gets the {@link ClusterDescription}, any other path a file of
 * the web root ({@link StaticFiles}) or 404; another method gets 405, a request the decoder could
 * not read 400 (and the connection closes). Every answer may be read by pages of any origin (a
 * page served by one replica talks to all of them) and is not cached without revalidation.
 *
 * <p>Files are read on the event loop: they are local and at most {@link StaticFiles#FILE_BYTES_MAX}
 * bytes, and the endpoint serves a small web app, not bulk downloads. Stateless apart from what it
 * serves; one instance serves every connection.
 */
@ChannelHandler.Sharable
final class WebHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(WebHttpHandler.class);
    private static final String ALLOWED_METHODS = "GET, HEAD";
    private static final String JSON_TYPE = "application/json";
    /** Browsers must not guess a type other than the one sent (a JSON file run as a script, say). */
    private static final String CONTENT_TYPE_OPTIONS = "x-content-type-options";

    private final byte[] clusterJson;
    private final StaticFiles files;

    /** @param files the web root, or {@code null} to serve no files */
    WebHttpHandler(byte[] clusterJson, StaticFiles files) {
        this.clusterJson = clusterJson.clone();
        this.files = files;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            respond(ctx, plain(HttpResponseStatus.BAD_REQUEST, "malformed request"), false);
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        boolean head = request.method().equals(HttpMethod.HEAD);
        if (!head && !request.method().equals(HttpMethod.GET)) {
            FullHttpResponse response = plain(HttpResponseStatus.METHOD_NOT_ALLOWED, "use GET");
            response.headers().set(HttpHeaderNames.ALLOW, ALLOWED_METHODS);
            respond(ctx, response, keepAlive);
            return;
        }
        String path;
        try {
            path = new QueryStringDecoder(request.uri()).path();
        } catch (IllegalArgumentException badEscape) {
            respond(ctx, plain(HttpResponseStatus.BAD_REQUEST, "malformed path"), keepAlive);
            return;
        }
        respond(ctx, answer(path, head), keepAlive);
    }

    private FullHttpResponse answer(String path, boolean head) {
        if (WebEndpoint.CLUSTER_PATH.equals(path)) {
            return content(clusterJson, JSON_TYPE, head);
        }
        if (files == null) {
            return notFound();
        }
        StaticFiles.File file;
        try {
            file = files.find(path);
        } catch (IOException e) {
            LOG.warn("cannot read {} under {}: {}", path, files.root(), e.toString());
            return plain(HttpResponseStatus.INTERNAL_SERVER_ERROR, "cannot read the file");
        }
        return file == null ? notFound() : content(file.content(), file.contentType(), head);
    }

    private static FullHttpResponse content(byte[] body, String contentType, boolean head) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return response;
    }

    private static FullHttpResponse notFound() {
        return plain(HttpResponseStatus.NOT_FOUND, "not found");
    }

    private static FullHttpResponse plain(HttpResponseStatus status, String message) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(message + "\n", StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        return response;
    }

    private static void respond(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        response.headers()
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*")
                .set(CONTENT_TYPE_OPTIONS, "nosniff");
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
