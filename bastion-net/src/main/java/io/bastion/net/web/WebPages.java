package io.bastion.net.web;

import io.bastion.net.http.HttpRoutes;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * What a {@link WebEndpoint} serves over plain HTTP (the WebSocket upgrade at
 * {@link WebEndpoint#WEBSOCKET_PATH} is taken before these routes): {@link WebEndpoint#CLUSTER_PATH}
 * gets the {@link ClusterDescription}, any other path a file of the web root ({@link StaticFiles})
 * or 404. Every answer may be read by pages of any origin (a page served by one replica talks to
 * all of them), is not cached without revalidation, and must not be taken for another content
 * type than the one sent (a JSON file run as a script, say).
 *
 * <p>Files are read on the event loop: they are local and at most {@link StaticFiles#FILE_BYTES_MAX}
 * bytes, and the endpoint serves a small web app, not bulk downloads. Immutable.
 */
final class WebPages {
    private static final Logger LOG = LoggerFactory.getLogger(WebPages.class);
    private static final String JSON_TYPE = "application/json";
    private static final String CONTENT_TYPE_OPTIONS = "x-content-type-options";

    private WebPages() {}

    /** @param files the web root, or {@code null} to serve no files */
    static HttpRoutes routes(byte[] clusterJson, StaticFiles files) {
        byte[] cluster = clusterJson.clone();
        return HttpRoutes.builder()
                .route(WebEndpoint.CLUSTER_PATH, path -> HttpRoutes.content(cluster, JSON_TYPE))
                .fallback(path -> file(files, path))
                .header(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE.toString())
                .header(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*")
                .header(CONTENT_TYPE_OPTIONS, "nosniff")
                .build();
    }

    private static FullHttpResponse file(StaticFiles files, String path) {
        if (files == null) {
            return notFound();
        }
        StaticFiles.File file;
        try {
            file = files.find(path);
        } catch (IOException e) {
            LOG.warn("cannot read {} under {}: {}", path, files.root(), e.toString());
            return HttpRoutes.plain(HttpResponseStatus.INTERNAL_SERVER_ERROR, "cannot read the file");
        }
        return file == null ? notFound() : HttpRoutes.content(file.content(), file.contentType());
    }

    private static FullHttpResponse notFound() {
        return HttpRoutes.plain(HttpResponseStatus.NOT_FOUND, "not found");
    }
}
