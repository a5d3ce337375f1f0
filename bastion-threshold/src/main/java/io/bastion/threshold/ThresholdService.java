package io.bastion.threshold;

import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.service.Authorization;
import io.bastion.core.service.Service;
import io.bastion.core.service.ServiceContext;

import java.util.function.Function;

/**
 * An in-memory {@link Service} with the cluster's threshold cryptography: requests carrying a
 * {@link ThresholdOp} go to the replicated {@link ThresholdLedger}, the rest to the wrapped
 * service, which reaches the ledger through the {@link Threshold} it was built with. The ledger is
 * part of the snapshot; secrets are not (they are in each replica's {@link ShareStore}).
 */
public final class ThresholdService implements Service {
    private ThresholdLedger ledger;
    private final Service inner;
    private final ThresholdAccess access;
    private final int n;
    private final int f;

    /** Wraps the service {@code make} builds around its {@link Threshold}, for a cluster of n = 3f+1 or more. */
    public ThresholdService(int n, int f, ThresholdAccess access, Function<Threshold, Service> make) {
        this.n = n;
        this.f = f;
        this.ledger = new ThresholdLedger(n, f);
        this.access = access;
        this.inner = make.apply(new Threshold(() -> ledger, changed -> {}));
    }

    /** The ledger as it stands, for this replica's {@link ThresholdAgent} (executor thread only). */
    public ThresholdLedger ledger() {
        return ledger;
    }

    @Override
    public byte[] execute(byte[] operation, ServiceContext context) {
        if (ThresholdOp.isThresholdOperation(operation)) {
            return ThresholdRequests.execute(ledger, operation, context, access);
        }
        return inner.execute(operation, context);
    }

    @Override
    public byte[] query(byte[] operation, ServiceContext context) {
        if (ThresholdOp.isThresholdOperation(operation)) {
            return ThresholdRequests.query(ledger, operation);
        }
        return inner.query(operation, context);
    }

    @Override
    public Authorization authorize(byte[] credentials, PublicKeyRef key, ServiceContext context) {
        return inner.authorize(credentials, key, context);
    }

    @Override
    public void sessionEnded(long clientId, String identity, ServiceContext context) {
        inner.sessionEnded(clientId, identity, context);
    }

    @Override
    public byte[] snapshot() {
        return new Wire.Writer().bytes(ledger.snapshot()).bytes(inner.snapshot()).toBytes();
    }

    @Override
    public void restore(byte[] snapshot) {
        Wire.Reader r = new Wire.Reader(snapshot);
        byte[] ledgerBytes = r.bytes(Integer.MAX_VALUE, "threshold ledger");
        byte[] innerBytes = r.bytes(Integer.MAX_VALUE, "service state");
        r.end("snapshot");
        ledger = ThresholdLedger.restore(ledgerBytes, n, f);
        inner.restore(innerBytes);
    }
}
