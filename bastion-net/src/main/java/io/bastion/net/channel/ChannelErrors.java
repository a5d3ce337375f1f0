package io.bastion.net.channel;

import io.netty.channel.ChannelHandlerContext;
import org.slf4j.Logger;

import java.io.IOException;

/**
 * What the last handler of every pipeline does with an exception, so that nothing escapes the
 * pipeline: I/O errors (resets, broken pipes) are routine and logged at DEBUG; anything else is a
 * bug of ours and logged at WARN with its stack trace. Either way only that connection closes.
 * Stateless.
 */
public final class ChannelErrors {
    private ChannelErrors() {}

    public static void closeOnError(ChannelHandlerContext ctx, Throwable cause, Logger log) {
        if (cause instanceof IOException) {
            log.debug("connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        } else {
            log.warn("closing connection {} after an unexpected error", ctx.channel().remoteAddress(), cause);
        }
        ctx.close();
    }
}
