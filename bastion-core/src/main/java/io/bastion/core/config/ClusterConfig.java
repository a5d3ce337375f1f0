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
            Check.argument(c.id() < FIRST_REPLICA_CLIENT_ID, "client id " + c.id() + " is reserved: ids from "
                    + FIRST_REPLICA_CLIENT_ID + " on are the replicas' own");
        }
        Check.argument(settings != null, "settings must be set");
    }

    /** How many client ids below the dynamic range are kept for replicas' own requests. */
    public static final int REPLICA_CLIENT_IDS = 1024;
    /** The lowest of them; registered clients' ids lie below. */
    public static final long FIRST_REPLICA_CLIENT_ID =
            io.bastion.core.session.SessionSettings.FIRST_DYNAMIC_CLIENT_ID - REPLICA_CLIENT_IDS;

    /**
     * The client id under which replica {@code replica} submits its own ordered requests (its
     * threshold-cryptography contributions), signed with its replica key.
     */
    public static long replicaClientId(int replica) {
        Check.argument(replica >= 0 && replica < REPLICA_CLIENT_IDS, "no replica client id for replica " + replica);
        return FIRST_REPLICA_CLIENT_ID + replica;
    }

    /** The replica whose own client id {@code clientId} is, or -1. */
    public static int replicaOfClientId(long clientId) {
        long r = clientId - FIRST_REPLICA_CLIENT_ID;
        return r >= 0 && r < REPLICA_CLIENT_IDS ? (int) r : -1;
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

    /** Static client keys by id: the cluster file's clients, and each replica under its own client id. */
    public Map<Long, PublicKeyRef> clientKeys() {
        Map<Long, PublicKeyRef> keys = new HashMap<>();
        for (ClientInfo c : clients) {
            keys.put(c.id(), c.publicKey());
        }
        for (ReplicaInfo r : replicas) {
            keys.put(replicaClientId(r.id()), r.publicKey());
        }
        return keys;
    }
}
