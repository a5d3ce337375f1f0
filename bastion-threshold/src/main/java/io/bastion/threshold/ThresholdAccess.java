package io.bastion.threshold;

import io.bastion.core.service.ServiceContext;
import io.bastion.threshold.ThresholdOp.*;

/** Which clients may ask the cluster for keys, decryptions, coins and signatures directly. */
public enum ThresholdAccess {
    /** None: only the service (through {@link Threshold}) asks; a decryption is the service's decision. */
    SERVICE_ONLY,
    /** Clients registered in the cluster file (operators' tools), not dynamic sessions. */
    REGISTERED_CLIENTS;

    String refusal(ThresholdOp op, ServiceContext context) {
        if (this == REGISTERED_CLIENTS && io.bastion.core.session.SessionSettings.isStatic(context.clientId())) {
            return null;
        }
        if (op instanceof Enroll || op instanceof Deal || op instanceof Verdict || op instanceof Shares
                || op instanceof FrostCommit || op instanceof FrostShare || op instanceof Contributions
                || op instanceof Nudge) {
            return "only replicas submit " + op.getClass().getSimpleName();
        }
        return "clients may not ask for " + op.getClass().getSimpleName() + " here: the service decides";
    }
}
