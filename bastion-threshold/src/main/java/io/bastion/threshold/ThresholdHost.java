package io.bastion.threshold;

import io.bastion.core.config.ClusterConfig;
import io.bastion.core.crypto.Signer;
import io.bastion.core.message.Request;
import io.bastion.core.message.Signed;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Connects a replica's {@link ThresholdAgent} to its runtime: after each executed batch (on the
 * executor thread, which owns the ledger) it asks the agent what is due and signs each
 * contribution as a write request of the replica's own client id
 * ({@link ClusterConfig#replicaClientId}), for the runtime to hand to its replica like a client's.
 * Request numbers follow the clock in microseconds, so they keep rising across restarts.
 */
public final class ThresholdHost {
    private final ThresholdAgent agent;
    private final Supplier<ThresholdLedger> ledger;
    private final Signer signer;
    private final long clientId;
    private long lastRequestNumber;

    public ThresholdHost(ThresholdAgent agent, Supplier<ThresholdLedger> ledger, Signer signer) {
        this.agent = agent;
        this.ledger = ledger;
        this.signer = signer;
        this.clientId = ClusterConfig.replicaClientId(agent.replica());
    }

    /** The signed requests this replica should submit now ({@code nowMillis}: its clock). */
    public List<Signed<Request>> afterBatch(long nowMillis) {
        ThresholdLedger current = ledger.get();
        if (current == null) {
            return List.of();
        }
        List<Signed<Request>> out = new ArrayList<>();
        for (ThresholdOp op : agent.due(current, nowMillis)) {
            lastRequestNumber = Math.max(lastRequestNumber + 1, nowMillis * 1000);
            out.add(Signed.sign(new Request(clientId, lastRequestNumber, Request.Kind.WRITE, op.encode()), signer));
        }
        return out;
    }
}
