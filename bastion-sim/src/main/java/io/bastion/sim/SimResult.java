package io.bastion.sim;

/**
 * What a finished simulated run did.
 *
 * @param executedPerReplica last sequence number each replica handed to its executor
 */
public record SimResult(long seed, long virtualMillis, long events, long requestsAccepted, long batchesAgreed,
                        long messagesSent, long messagesDropped, long[] executedPerReplica) {
    @Override
    public String toString() {
        return "seed " + seed + ": " + requestsAccepted + " requests in " + batchesAgreed + " batches, "
                + virtualMillis + " virtual ms, " + events + " events, " + messagesSent + " messages ("
                + messagesDropped + " dropped)";
    }
}
