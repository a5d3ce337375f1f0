package io.bastion.net.http;

import io.bastion.core.util.Check;
import io.bastion.net.channel.ChannelErrors;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Answers the HTTP requests of an {@link HttpServer}, which serves pages and never takes input:
 * only {@code GET} and {@code HEAD}. A request's path (its query string ignored) picks its route:
 * the route of exactly that path, else the fallback route if there is one; with neither it gets
 * 404. A path that has a route and another method gets 405 with {@code Allow: GET, HEAD}. A
 * request the decoder could not read (request line or headers too long, broken syntax) gets 400
 * and its connection closes; a path with a broken %-escape gets 400; a route that throws gets 500.
 * The answer to {@code HEAD} is the answer to {@code GET} without its body. Every answer carries
 * the server's common headers; the connection stays open when the client asks for keep-alive.
 *
 * <p>Immutable; one instance serves every connection of a server, on their event loops, so routes
 * must be thread-safe. They run on the event loop and must be quick (no blocking beyond a small,
 * bounded local read).
 */
@ChannelHandler.Sharable
public final class HttpRoutes extends SimpleChannelInboundHandler<FullHttpRequest> {
    /** The methods answered. */
    public static final String ALLOWED_METHODS = "GET, HEAD";
    private static final String PLAIN_TEXT = "text/plain; charset=utf-8";
    private static final Logger LOG = LoggerFactory.getLogger(HttpRoutes.class);

    /** Answers a {@code GET} of one path (or, as the fallback, of any path without a route of its own). */
    @FunctionalInterface
    public interface Route {
        /** The answer for the decoded {@code path}, with its body (dropped again for {@code HEAD}). */
        FullHttpResponse answer(String path);
    }

    private final Map<String, Route> routes;
    private final Route fallback;
    private final String notFound;
    private final HttpHeaders commonHeaders;

    private HttpRoutes(Builder builder) {
        this.routes = Map.copyOf(builder.routes);
        this.fallback = builder.fallback;
        this.notFound = builder.notFound;
        this.commonHeaders = builder.commonHeaders.copy();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            respond(ctx, plain(HttpResponseStatus.BAD_REQUEST, "malformed request"), false);
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        String path;
        try {
            path = new QueryStringDecoder(request.uri()).path();
        } catch (IllegalArgumentException badEscape) {
            respond(ctx, plain(HttpResponseStatus.BAD_REQUEST, "malformed path"), keepAlive);
            return;
        }
        Route route = routes.getOrDefault(path, fallback);
        boolean head = request.method().equals(HttpMethod.HEAD);
        FullHttpResponse response;
        if (route == null) {
            response = plain(HttpResponseStatus.NOT_FOUND, notFound);
        } else if (!head && !request.method().equals(HttpMethod.GET)) {
            response = plain(HttpResponseStatus.METHOD_NOT_ALLOWED, "use GET");
            response.headers().set(HttpHeaderNames.ALLOW, ALLOWED_METHODS);
        } else {
            response = answer(route, path);
        }
        respond(ctx, head ? withoutBody(response) : response, keepAlive);
    }

    private static FullHttpResponse answer(Route route, String path) {
        try {
            return route.answer(path);
        } catch (RuntimeException e) {
            LOG.warn("answering GET {} failed", path, e);
            return plain(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error");
        }
    }

    /** {@code response} with its headers (Content-Length included) and no body. */
    private static FullHttpResponse withoutBody(FullHttpResponse response) {
        FullHttpResponse empty = response.replace(Unpooled.EMPTY_BUFFER);
        response.release();
        return empty;
    }

    private void respond(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        response.headers().setAll(commonHeaders);
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
        ChannelErrors.closeOnError(ctx, cause, LOG);
    }

    /** A 200 answer carrying {@code body} as {@code contentType}. */
    public static FullHttpResponse content(byte[] body, String contentType) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return response;
    }

    /** An answer with {@code status} and {@code message} as one line of plain text. */
    public static FullHttpResponse plain(HttpResponseStatus status, String message) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(message + "\n", StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, PLAIN_TEXT)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        return response;
    }

    /** Collects the routes of one server. Not thread-safe; use it on one thread, then {@link #build}. */
    public static final class Builder {
        private final Map<String, Route> routes = new LinkedHashMap<>();
        private final HttpHeaders commonHeaders = new DefaultHttpHeaders();
        private Route fallback;
        private String notFound = "not found";

        private Builder() {}

        /** Answers {@code GET} and {@code HEAD} of exactly {@code path} (which starts with {@code /}). */
        public Builder route(String path, Route route) {
            Check.argument(path.startsWith("/"), "a route's path starts with /: " + path);
            Check.argument(routes.putIfAbsent(path, route) == null, "two routes for " + path);
            return this;
        }

        /** Answers every path without a route of its own (instead of 404). */
        public Builder fallback(Route route) {
            this.fallback = route;
            return this;
        }

        /** The text of the 404 for a path without a route, e.g. where to look instead. */
        public Builder notFound(String message) {
            this.notFound = message;
            return this;
        }

        /** A header every answer carries, whatever its status. */
        public Builder header(CharSequence name, String value) {
            commonHeaders.set(name, value);
            return this;
        }

        public HttpRoutes build() {
            return new HttpRoutes(this);
        }
    }
}
