package io.bastion.core.config;

import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.util.Check;

/** A client listed in the cluster file (closed deployments): its id and public key. */
public record ClientInfo(long id, PublicKeyRef publicKey) {
    public ClientInfo {
        Check.argument(id >= 0, "client id must be >= 0, got " + id);
        Check.argument(publicKey != null, "client " + id + ": publicKey must be set");
    }
}
