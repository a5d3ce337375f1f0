package io.bastion.net.endpoint;

import io.bastion.core.util.Check;

/**
 * How fast clients may ask a replica for what costs it work before they are known: Hellos (each
 * answered with a signed challenge) and Joins (each costs an ordering). Token buckets per client
 * connection and, for Hellos, per source address; the per-address table holds at most
 * {@code addressesMax} addresses and forgets the least recently seen beyond that. What exceeds a
 * limit is dropped and counted ({@link Throttled}); a client retries with back-off.
 *
 * @param hellosPerConnectionPerSecond Hellos a connection may send per second, sustained
 * @param helloBurstPerConnection      Hellos a connection may send at once
 * @param hellosPerAddressPerSecond    Hellos all connections from one address may send per second
 * @param helloBurstPerAddress         likewise, at once
 * @param addressesMax                 source addresses tracked at once
 * @param joinsPerConnectionPerSecond  Join requests a connection may send per second
 * @param joinBurstPerConnection       Join requests a connection may send at once
 */
public record ClientLimits(long hellosPerConnectionPerSecond, long helloBurstPerConnection,
                           long hellosPerAddressPerSecond, long helloBurstPerAddress, int addressesMax,
                           long joinsPerConnectionPerSecond, long joinBurstPerConnection) {
    public static final long DEFAULT_HELLOS_PER_CONNECTION_PER_SECOND = 20;
    public static final long DEFAULT_HELLO_BURST_PER_CONNECTION = 40;
    public static final long DEFAULT_HELLOS_PER_ADDRESS_PER_SECOND = 200;
    public static final long DEFAULT_HELLO_BURST_PER_ADDRESS = 400;
    public static final int DEFAULT_ADDRESSES_MAX = 4_096;
    public static final long DEFAULT_JOINS_PER_CONNECTION_PER_SECOND = 20;
    public static final long DEFAULT_JOIN_BURST_PER_CONNECTION = 40;
    /** Most addresses a table may track (about 100 bytes each). */
    public static final int ADDRESSES_MAX_LIMIT = 1 << 20;

    public static final ClientLimits DEFAULTS = new ClientLimits(
            DEFAULT_HELLOS_PER_CONNECTION_PER_SECOND, DEFAULT_HELLO_BURST_PER_CONNECTION,
            DEFAULT_HELLOS_PER_ADDRESS_PER_SECOND, DEFAULT_HELLO_BURST_PER_ADDRESS, DEFAULT_ADDRESSES_MAX,
            DEFAULT_JOINS_PER_CONNECTION_PER_SECOND, DEFAULT_JOIN_BURST_PER_CONNECTION);

    public ClientLimits {
        rate(hellosPerConnectionPerSecond, helloBurstPerConnection, "hellosPerConnection");
        rate(hellosPerAddressPerSecond, helloBurstPerAddress, "hellosPerAddress");
        rate(joinsPerConnectionPerSecond, joinBurstPerConnection, "joinsPerConnection");
        Check.argument(addressesMax > 0 && addressesMax <= ADDRESSES_MAX_LIMIT,
                "addressesMax must be 1.." + ADDRESSES_MAX_LIMIT + ", got " + addressesMax);
    }

    /**
     * Limits scaled from one number: {@code perConnection} Hellos and Joins per second per
     * connection (bursts of twice that), ten times as many Hellos per address. {@code 20} gives
     * {@link #DEFAULTS}.
     */
    public static ClientLimits perConnection(long perConnection) {
        return new ClientLimits(perConnection, 2 * perConnection, 10 * perConnection, 20 * perConnection,
                DEFAULT_ADDRESSES_MAX, perConnection, 2 * perConnection);
    }

    public ClientLimits withAddressesMax(int addresses) {
        return new ClientLimits(hellosPerConnectionPerSecond, helloBurstPerConnection, hellosPerAddressPerSecond,
                helloBurstPerAddress, addresses, joinsPerConnectionPerSecond, joinBurstPerConnection);
    }

    private static void rate(long perSecond, long burst, String name) {
        Check.argument(perSecond > 0 && perSecond <= TokenBucket.RATE_PER_SECOND_MAX,
                name + " rate must be 1.." + TokenBucket.RATE_PER_SECOND_MAX + " per second, got " + perSecond);
        Check.argument(burst > 0 && burst <= TokenBucket.BURST_MAX,
                name + " burst must be 1.." + TokenBucket.BURST_MAX + ", got " + burst);
    }
}
