package io.bastion.core.config;

import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.util.Check;

/**
 * One replica as listed in the cluster file: its id (0..n-1), where it listens, and its public
 * key. Addresses are opaque to the core; the runtime resolves them.
 */
public record ReplicaInfo(int id, String host, int replicaPort, int clientPort, int webPort, PublicKeyRef publicKey) {
    public ReplicaInfo {
        Check.argument(id >= 0, "replica id must be >= 0, got " + id);
        Check.argument(host != null && !host.isBlank(), "replica " + id + ": host must be set");
        port(replicaPort, id, "replicaPort");
        port(clientPort, id, "clientPort");
        Check.argument(webPort == 0 || (webPort > 0 && webPort < 65536), "replica " + id + ": webPort out of range");
        Check.argument(publicKey != null, "replica " + id + ": publicKey must be set");
    }

    private static void port(int port, int id, String name) {
        Check.argument(port > 0 && port < 65536, "replica " + id + ": " + name + " must be in 1..65535, got " + port);
    }
}
