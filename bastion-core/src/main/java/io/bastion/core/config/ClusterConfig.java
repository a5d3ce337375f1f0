package io.bastion.core.config;

import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.quorum.Quorums;
import io.bastion.core.util.Check;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The whole cluster as every replica and client must agree on it: f, the replicas (ids 0..n-1 in
 * order), the statically known clients, and the protocol settings. Immutable and validated once.
 */
public record ClusterConfig(int f, List<ReplicaInfo> replicas, List<ClientInfo> clients, ProtocolSettings settings) {
    public ClusterConfig {
        replicas = List.copyOf(replicas);
        clients = List.copyOf(clients);
        Check.argument(f >= 0, "f must be >= 0, got " + f);
        Check.argument(replicas.size() >= 3 * f + 1,
                "f = " + f + " needs at least " + (3 * f + 1) + " replicas, the file lists " + replicas.size());
        for (int i = 0; i < replicas.size(); i++) {
            Check.argument(replicas.get(i).id() == i,
                    "replica ids must be 0.." + (replicas.size() - 1) + " in order; entry " + i + " has id "
                            + replicas.get(i).id());
        }
        Set<PublicKeyRef> keys = new HashSet<>();
        for (ReplicaInfo r : replicas) {
            Check.argument(keys.add(r.publicKey()), "replica " + r.id() + ": publicKey is used twice");
        }
        Set<Long> clientIds = new HashSet<>();
        for (ClientInfo c : clients) {
            Check.argument(clientIds.add(c.id()), "client id " + c.id() + " is listed twice");
        }
        Check.argument(settings != null, "settings must be set");
    }

    public int n() {
        return replicas.size();
    }

    public Quorums quorums() {
        return new Quorums(n(), f);
    }

    public ReplicaInfo replica(int id) {
        Check.argument(id >= 0 && id < replicas.size(), "no replica " + id + " in a cluster of " + replicas.size());
        return replicas.get(id);
    }

    /** Static client keys by id. */
    public Map<Long, PublicKeyRef> clientKeys() {
        Map<Long, PublicKeyRef> keys = new HashMap<>();
        for (ClientInfo c : clients) {
            keys.put(c.id(), c.publicKey());
        }
        return keys;
    }
}
