package io.bastion.core.replica;

import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;

import java.util.List;

/**
 * A committed batch handed to the executor, in sequence order. {@code requests} holds only the
 * requests that execute (retransmitted and superseded ones are already filtered out, identically
 * at every correct replica). When {@code checkpoint} is set the executor reports the state digest.
 */
public record Execute(long seq, int view, long timeMillis, long seed, List<Envelope<Request>> requests,
                      boolean checkpoint) {
    public Execute {
        requests = List.copyOf(requests);
    }
}
