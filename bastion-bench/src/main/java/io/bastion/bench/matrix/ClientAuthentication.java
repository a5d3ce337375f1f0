package io.bastion.bench.matrix;

import java.util.List;

/**
 * How clients authenticate their requests to the replicas, a dimension of a matrix
 * ({@code authentication=...}). Every constant is run by {@link SeedMatrix}'s Table 1; a mode is
 * added with one constant here, its flag and the replica arguments it needs (the replicas then
 * run on a cluster of their own, since those arguments change the cluster).
 */
public enum ClientAuthentication {
    /** An Ed25519 signature on every request, verified by every replica. */
    SIGNED("signed", List.of());

    private final String flag;
    private final List<String> replicaArguments;

    ClientAuthentication(String flag, List<String> replicaArguments) {
        this.flag = flag;
        this.replicaArguments = List.copyOf(replicaArguments);
    }

    /** The name in descriptions, filters and the JSON. */
    public String flag() {
        return flag;
    }

    /** What every replica of a cluster measured with this mode is started with. */
    public List<String> replicaArguments() {
        return replicaArguments;
    }
}
