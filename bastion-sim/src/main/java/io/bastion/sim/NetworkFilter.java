package io.bastion.sim;

import io.bastion.core.message.Envelope;

/**
 * A scripted rule deciding whether a message between two simulated nodes gets through, for
 * scenario tests ("drop everything from R0 to R2"). Node ids: replicas are 0..n-1, clients n..
 */
@FunctionalInterface
public interface NetworkFilter {
    NetworkFilter ALL = (from, to, message) -> true;

    boolean delivers(int fromNode, int toNode, Envelope<?> message);
}
