package io.bastion.net.channel;

import io.bastion.net.EventLoops;
import io.netty.channel.EventLoopGroup;

/**
 * An event-loop group as a component holds it: either borrowed (the caller shuts it down) or
 * owned (created for the component and shut down when it closes). Immutable; thread-safe.
 */
public final class EventLoopLease {
    private final EventLoopGroup group;
    private final boolean owned;

    private EventLoopLease(EventLoopGroup group, boolean owned) {
        this.group = group;
        this.owned = owned;
    }

    public static EventLoopLease borrowed(EventLoopGroup group) {
        return new EventLoopLease(group, false);
    }

    public static EventLoopLease owned(int threads, String name) {
        return new EventLoopLease(EventLoops.newGroup(threads, name), true);
    }

    public EventLoopGroup group() {
        return group;
    }

    /** Shuts the group down if the component owns it, waiting for its threads to end. */
    public void release() {
        if (owned) {
            EventLoops.shutdown(group);
        }
    }
}
