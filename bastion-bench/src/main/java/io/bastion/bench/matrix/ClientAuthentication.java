package io.bastion.bench.matrix;

import io.bastion.client.ClientOptions;

import java.util.List;

/**
 * How clients authenticate their requests to the replicas, a dimension of a matrix
 * ({@code authentication=...}). Every constant is run by {@link SeedMatrix}'s Table 1; a mode is
 * added with one constant here, its flag and the replica arguments it needs (the replicas then
 * run on a cluster of their own, since those arguments change the cluster).
 */
public enum ClientAuthentication {
    /** An Ed25519 signature on every request, verified by every replica. */
    SIGNED("signed", List.of(), ClientOptions.ClientAuth.SIGNED),
    /**
     * An HMAC-SHA256 tag per replica on every request, under keys set up per connection (docs/protocol.md,
     * "MAC client mode"): the mode the 2011 study measured beside signatures.
     */
    MAC("mac", List.of(), ClientOptions.ClientAuth.MAC);

    private final String flag;
    private final List<String> replicaArguments;
    private final ClientOptions.ClientAuth clientAuth;

    ClientAuthentication(String flag, List<String> replicaArguments, ClientOptions.ClientAuth clientAuth) {
        this.flag = flag;
        this.replicaArguments = List.copyOf(replicaArguments);
        this.clientAuth = clientAuth;
    }

    /** How the benchmark's clients authenticate in this mode. */
    public ClientOptions.ClientAuth clientAuth() {
        return clientAuth;
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
