package io.bastion.net.endpoint;

/**
 * Why the client endpoint dropped an incoming message before handing it on: a client sent
 * something that costs the replica work faster than {@link ClientLimits} allow. Counted per
 * reason by {@link ClientEndpoint#throttled()}.
 */
public enum Throttled {
    /** A Hello beyond its connection's token bucket. */
    HELLO_PER_CONNECTION,
    /** A Hello beyond its source address's token bucket. */
    HELLO_PER_ADDRESS,
    /** A Join request beyond its connection's token bucket. */
    JOIN_PER_CONNECTION
}
