package io.bastion.threshold;

import io.bastion.core.config.ClusterConfig;
import io.bastion.core.service.ServiceContext;
import io.bastion.threshold.ThresholdLedger.Caller;
import io.bastion.threshold.ThresholdLedger.Outcome;
import io.bastion.threshold.ThresholdOp.*;

/**
 * Where a request carrying a {@link ThresholdOp} meets the ledger, for both hosts (the in-memory
 * {@link ThresholdService} and the SQL {@link ThresholdSqlService}): decoding with a clear error,
 * who the sender is (a replica under its own client id, or a client), and what a client may ask.
 */
final class ThresholdRequests {
    private ThresholdRequests() {}

    /** Executes an ordered threshold request; the reply bytes. */
    static byte[] execute(ThresholdLedger ledger, byte[] operation, ServiceContext context, ThresholdAccess access) {
        ThresholdOp op;
        try {
            op = ThresholdOp.decode(operation);
        } catch (IllegalArgumentException e) {
            return Outcome.refused("malformed threshold operation: " + e.getMessage()).reply();
        }
        int replica = ClusterConfig.replicaOfClientId(context.clientId());
        if (replica >= ledger.n()) {
            replica = -1;
        }
        if (op instanceof KeyQuery || op instanceof ResultQuery) {
            return ledger.query(op).reply();
        }
        if (replica < 0) {
            String refusal = access.refusal(op, context);
            if (refusal != null) {
                return Outcome.refused(refusal).reply();
            }
            return ledger.execute(op, Caller.SERVICE, context.timeMillis()).reply();
        }
        if (op instanceof Contributions c) {
            return ledger.contribute(c, replica, context.requestNumber(), context.timeMillis()).reply();
        }
        if (op instanceof KeyGen || op instanceof Decrypt || op instanceof Coin || op instanceof Sign) {
            return Outcome.refused("replicas do not ask for " + op.getClass().getSimpleName()).reply();
        }
        return ledger.execute(op, Caller.replica(replica), context.timeMillis()).reply();
    }

    /** Answers a read-only threshold request (a key or an operation's result). */
    static byte[] query(ThresholdLedger ledger, byte[] operation) {
        try {
            return ledger.query(ThresholdOp.decode(operation)).reply();
        } catch (IllegalArgumentException e) {
            return Outcome.refused("malformed threshold operation: " + e.getMessage()).reply();
        }
    }
}
