package io.bastion.server.runtime;

import io.bastion.core.auth.MessageAuthenticator;
import io.bastion.core.util.Check;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Bytes of network input admitted and not yet taken by the core (waiting for a verifier thread,
 * being verified, or waiting in the inbound queue), bounded in total, per peer replica, and for
 * all client connections together. One peer can then hold at most its share however large its
 * messages (a NEW-VIEW may be megabytes), and clients cannot crowd out the replicas. Sizes are
 * {@code Envelope.wireSize()}. Thread-safe and lock-free.
 */
final class InboundBudget {
    /** The source of messages from client connections. */
    static final int CLIENTS = MessageAuthenticator.FROM_CLIENT;

    private final long totalMax;
    private final long peerMax;
    private final long clientsMax;
    private final AtomicLong total = new AtomicLong();
    private final AtomicLongArray peers;
    private final AtomicLong clients = new AtomicLong();

    InboundBudget(int replicas, long totalMax, long peerMax, long clientsMax) {
        Check.argument(peerMax > 0 && clientsMax > 0, "inbound byte bounds must be positive");
        Check.argument(totalMax >= peerMax && totalMax >= clientsMax,
                "inboundBytesMax must be at least peerInboundBytesMax and clientInboundBytesMax");
        this.totalMax = totalMax;
        this.peerMax = peerMax;
        this.clientsMax = clientsMax;
        this.peers = new AtomicLongArray(replicas);
    }

    /**
     * Takes {@code bytes} for a message from replica {@code from} (or {@link #CLIENTS}); false,
     * taking nothing, when its source's or the total bound would be exceeded.
     */
    boolean tryTake(int from, long bytes) {
        if (!takeFromSource(from, bytes)) {
            return false;
        }
        if (!takeUpTo(total, bytes, totalMax)) {
            giveBackToSource(from, bytes);
            return false;
        }
        return true;
    }

    /** Returns what {@link #tryTake} took for a message that left (to the core, or dropped). */
    void release(int from, long bytes) {
        giveBackToSource(from, bytes);
        total.addAndGet(-bytes);
    }

    private boolean takeFromSource(int from, long bytes) {
        if (from == CLIENTS) {
            return takeUpTo(clients, bytes, clientsMax);
        }
        while (true) {
            long held = peers.get(from);
            if (held + bytes > peerMax) {
                return false;
            }
            if (peers.compareAndSet(from, held, held + bytes)) {
                return true;
            }
        }
    }

    private void giveBackToSource(int from, long bytes) {
        if (from == CLIENTS) {
            clients.addAndGet(-bytes);
        } else {
            peers.addAndGet(from, -bytes);
        }
    }

    private static boolean takeUpTo(AtomicLong counter, long bytes, long max) {
        while (true) {
            long held = counter.get();
            if (held + bytes > max) {
                return false;
            }
            if (counter.compareAndSet(held, held + bytes)) {
                return true;
            }
        }
    }

    /** Bytes held by all sources; at most the total bound. */
    long total() {
        return total.get();
    }

    /** Bytes held by messages from replica {@code from}; at most the per-peer bound. */
    long ofPeer(int from) {
        return peers.get(from);
    }

    /** Bytes held by messages from client connections; at most the clients' bound. */
    long ofClients() {
        return clients.get();
    }
}
