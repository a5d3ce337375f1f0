package io.bastion.net.channel;

import io.bastion.net.Rejection;
import io.bastion.net.TransportCounters;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes connections and remembers why, so that each connection is counted and logged at most
 * once however many handlers notice a problem, and so that handlers can drop whatever is still in
 * flight on a connection that is going away. Stateless (the state lives on the channel);
 * thread-safe.
 */
public final class Rejections {
    private static final Logger LOG = LoggerFactory.getLogger(Rejections.class);
    private static final AttributeKey<Rejection> REJECTED = AttributeKey.valueOf("bastion.rejected");
    private static final AttributeKey<Boolean> CLOSED_LOCALLY = AttributeKey.valueOf("bastion.closedLocally");

    private Rejections() {}

    /**
     * Closes {@code channel} because its peer misbehaved: counts {@code reason} and logs one WARN
     * line with the remote address. Returns false (and does nothing) when the channel was already
     * rejected or closed by us.
     */
    public static boolean reject(Channel channel, TransportCounters counters, Rejection reason, String detail) {
        return close(channel, counters, reason, detail, true);
    }

    /**
     * Closes {@code channel} because a time limit ran out (an idle client, a slow one): counts
     * {@code reason} like {@link #reject} but logs at DEBUG, since an idle client is routine.
     * Returns false when the channel was already rejected or closed by us.
     */
    public static boolean expire(Channel channel, TransportCounters counters, Rejection reason, String detail) {
        return close(channel, counters, reason, detail, false);
    }

    private static boolean close(Channel channel, TransportCounters counters, Rejection reason, String detail,
                                 boolean warn) {
        if (isClosing(channel) || channel.attr(REJECTED).setIfAbsent(reason) != null) {
            return false;
        }
        counters.reject(reason);
        if (warn) {
            LOG.warn("closing connection with {} (local {}): {} ({})", channel.remoteAddress(),
                    channel.localAddress(), reason, detail);
        } else {
            LOG.debug("closing connection with {} (local {}): {} ({})", channel.remoteAddress(),
                    channel.localAddress(), reason, detail);
        }
        channel.close();
        return true;
    }

    /** Closes {@code channel} for a reason of our own (shutdown, replaced by a newer connection): no blame. */
    public static void closeLocally(Channel channel) {
        channel.attr(CLOSED_LOCALLY).set(Boolean.TRUE);
        channel.close();
    }

    /** Whether {@code channel} was rejected or closed by us; its remaining input is to be ignored. */
    public static boolean isClosing(Channel channel) {
        return channel.attr(REJECTED).get() != null || channel.attr(CLOSED_LOCALLY).get() != null;
    }
}
