package io.bastion.core.replica;

import io.bastion.core.crypto.Digest;
import io.bastion.core.message.Envelope;

import java.util.List;
import java.util.Map;

/**
 * An input to the replica state machine. The runtime (or the simulator) turns the outside world
 * into these: clock ticks, messages whose signatures were already verified, and the executor's
 * reports.
 */
public sealed interface Event {
    /** Sender id for messages that came from a client connection rather than a replica. */
    int FROM_CLIENT = -1;

    /** Time passes. {@code nowMillis} is the replica's clock (epoch milliseconds in production). */
    record Tick(long nowMillis) implements Event {}

    /**
     * A message whose signature (or, for unsigned types, whose connection's peer) was verified.
     * {@code from} is the replica it came from, or {@link #FROM_CLIENT}.
     */
    record Received(int from, Envelope<?> message) implements Event {}

    /**
     * A request this replica makes itself (under its own client id, signed with its key). It is
     * handled like a client's and sent to every peer as well, as a client sends to all: so it is
     * ordered even while this replica cannot relay (it is alone in a view change).
     */
    record OwnRequest(Envelope<io.bastion.core.message.Request> request) implements Event {}

    /**
     * MAC client mode: request bodies peer {@code from} sent (relayed or in answer to a fetch)
     * whose tag for this replica did not check, or for whose client this replica holds no key.
     * They are not authentic here: they only fill slots waiting for them, and count as the peer's
     * voucher (see docs/protocol.md, "MAC client mode").
     */
    record UnverifiedBodies(int from, List<Envelope<io.bastion.core.message.Request>> requests) implements Event {
        public UnverifiedBodies {
            requests = List.copyOf(requests);
        }
    }

    /**
     * The executor finished batch {@code seq}. {@code stateDigest} is the digest of the whole
     * replicated state after it when {@code seq} is a checkpoint (made durable before this report),
     * else {@code null}.
     */
    record Executed(long seq, Digest stateDigest, List<Long> forgottenClients) implements Event {
        public Executed {
            forgottenClients = List.copyOf(forgottenClients);
        }

        public Executed(long seq, Digest stateDigest) {
            this(seq, stateDigest, List.of());
        }
    }

    /**
     * The executor compared a state manifest with its own state: {@code missing} are the chunk
     * indexes it does not hold and must be fetched.
     */
    record LocalStateCompared(long seq, List<Integer> missing) implements Event {}

    /**
     * The executor replaced its state by the transferred state at checkpoint {@code seq}, durably.
     * {@code clientTable} (client → last executed request number) and {@code lastAgreedTime} come
     * from that state.
     */
    record StateInstalled(long seq, Map<Long, Long> clientTable, long lastAgreedTime) implements Event {}
}
