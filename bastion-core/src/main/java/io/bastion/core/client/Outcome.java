package io.bastion.core.client;

import io.bastion.core.message.Reply;

import java.util.List;
import java.util.Set;

/** How a client request ended. */
public sealed interface Outcome {
    long requestNumber();

    /**
     * Enough replicas agreed. {@code agreeing} signed {@code status} and {@code result}; {@code dissenting} sent a
     * validly signed, different result (evidence of a faulty replica); {@code view} is the highest
     * view an agreeing reply came from (its primary is the current one, as far as the client knows).
     */
    record Done(long requestNumber, Reply.Status status, byte[] result, Set<Integer> agreeing, Set<Integer> dissenting, int view)
            implements Outcome {}

    /**
     * No result can gather a quorum any more: more than f replicas are faulty. {@code groups}
     * lists the replicas by the result they signed, largest group first.
     */
    record Conflict(long requestNumber, List<Set<Integer>> groups) implements Outcome {}
}
