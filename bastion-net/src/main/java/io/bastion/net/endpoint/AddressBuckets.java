package io.bastion.net.endpoint;

import io.bastion.core.util.Check;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One {@link TokenBucket} per source address, for at most {@code addressesMax} addresses: the
 * least recently seen address is forgotten to make room, so a flood from many addresses costs a
 * bounded table. A forgotten address that comes back starts with a full bucket again; that is the
 * price of the bound, and it gives a single address at most one extra burst per eviction.
 * Thread-safe (one lock; the work under it is a hash lookup and a few arithmetic operations).
 */
public final class AddressBuckets {
    private final long ratePerSecond;
    private final long burst;
    private final int addressesMax;
    private final LinkedHashMap<InetAddress, TokenBucket> buckets;
    private long evicted;

    public AddressBuckets(long ratePerSecond, long burst, int addressesMax) {
        Check.argument(addressesMax > 0, "addressesMax must be positive, got " + addressesMax);
        this.ratePerSecond = ratePerSecond;
        this.burst = burst;
        this.addressesMax = addressesMax;
        this.buckets = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<InetAddress, TokenBucket> eldest) {
                if (size() > AddressBuckets.this.addressesMax) {
                    evicted++;
                    return true;
                }
                return false;
            }
        };
        new TokenBucket(ratePerSecond, burst, 0); // checks the rate and burst once, up front
    }

    /** Takes a token from {@code address}'s bucket at {@code nowNanos}; false when it is empty. */
    public synchronized boolean tryTake(InetAddress address, long nowNanos) {
        TokenBucket bucket = buckets.get(address);
        if (bucket == null) {
            bucket = new TokenBucket(ratePerSecond, burst, nowNanos);
            buckets.put(address, bucket);
        }
        return bucket.tryTake(nowNanos);
    }

    /** Addresses tracked right now; never above {@link #addressesMax()}. */
    public synchronized int size() {
        return buckets.size();
    }

    /** Addresses forgotten to make room so far. */
    public synchronized long evicted() {
        return evicted;
    }

    public int addressesMax() {
        return addressesMax;
    }
}
