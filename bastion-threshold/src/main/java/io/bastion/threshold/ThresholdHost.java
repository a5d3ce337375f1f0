package io.bastion.threshold;

import io.bastion.core.config.ClusterConfig;
import io.bastion.core.crypto.Signer;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Connects a replica's {@link ThresholdAgent} to its runtime: after each executed batch (on the
 * executor thread, which owns the ledger) it asks the agent what is due and signs it, packed into
 * one {@link ThresholdOp.Contributions} request of the replica's own client id
 * ({@link ClusterConfig#replicaClientId}), for the runtime to hand to its replica like a client's.
 *
 * <p>Like a client, a replica keeps one request outstanding: the next goes once the ledger shows
 * the last executed ({@link ThresholdLedger#lastContribution}), or after
 * {@link ThresholdAgent#RESUBMIT_MILLIS} when it was lost. The protocol holds a few bodies per
 * client and runs a client's requests in number order, so a burst of concurrent requests from one
 * id would have some dropped or skipped. Request numbers follow the clock in microseconds, so they
 * keep rising across restarts.
 */
public final class ThresholdHost {
    /** Operation bytes packed into one request at most; the rest waits for the next. */
    public static final int REQUEST_BYTES_MAX = 256 << 10;
    /** Contributions waiting for a request at most (the agent makes them again if they are dropped). */
    public static final int BACKLOG_MAX = 1024;

    private final ThresholdAgent agent;
    private final Supplier<ThresholdLedger> ledger;
    private final Signer signer;
    private final long clientId;
    private final ArrayDeque<ThresholdOp> backlog = new ArrayDeque<>();
    private long lastRequestNumber;
    private long outstanding;
    private long outstandingSinceMillis;

    public ThresholdHost(ThresholdAgent agent, Supplier<ThresholdLedger> ledger, Signer signer) {
        this.agent = agent;
        this.ledger = ledger;
        this.signer = signer;
        this.clientId = ClusterConfig.replicaClientId(agent.replica());
    }

    /** The signed request this replica should submit now, if any ({@code nowMillis}: its clock). */
    public List<Envelope<Request>> afterBatch(long nowMillis) {
        ThresholdLedger current = ledger.get();
        if (current == null) {
            return List.of();
        }
        if (outstanding != 0 && current.lastContribution(agent.replica()) < outstanding
                && nowMillis - outstandingSinceMillis < ThresholdAgent.RESUBMIT_MILLIS) {
            return List.of(); // the last request is still on its way
        }
        outstanding = 0;
        for (ThresholdOp op : agent.due(current, nowMillis)) {
            if (backlog.size() < BACKLOG_MAX) {
                backlog.addLast(op);
            }
        }
        if (backlog.isEmpty()) {
            return List.of();
        }
        List<ThresholdOp> packed = new ArrayList<>();
        int bytes = 0;
        while (!backlog.isEmpty() && packed.size() < ThresholdOp.Contributions.OPS_MAX) {
            int size = backlog.peekFirst().encode().length;
            if (!packed.isEmpty() && bytes + size > REQUEST_BYTES_MAX) {
                break;
            }
            packed.add(backlog.pollFirst());
            bytes += size;
        }
        lastRequestNumber = Math.max(lastRequestNumber + 1, nowMillis * 1000);
        outstanding = lastRequestNumber;
        outstandingSinceMillis = nowMillis;
        byte[] operation = new ThresholdOp.Contributions(packed).encode();
        return List.of(Envelope.sign(new Request(clientId, lastRequestNumber, Request.Kind.WRITE, operation), signer));
    }
}
