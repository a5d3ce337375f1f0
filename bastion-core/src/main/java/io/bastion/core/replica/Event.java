package io.bastion.core.replica;

import io.bastion.core.crypto.Digest;
import io.bastion.core.message.Signed;

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
    record Received(int from, Signed<?> message) implements Event {}

    /**
     * The executor finished batch {@code seq}. {@code stateDigest} is the digest of the whole
     * replicated state after it when {@code seq} is a checkpoint, else {@code null}.
     */
    record Executed(long seq, Digest stateDigest) implements Event {}
}
