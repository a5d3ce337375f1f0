package io.bastion.core;

import io.bastion.core.config.ClientInfo;
import io.bastion.core.config.ClusterConfig;
import io.bastion.core.config.ProtocolSettings;
import io.bastion.core.config.ReplicaInfo;
import io.bastion.core.crypto.Digest;
import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.crypto.SignatureVerifier;
import io.bastion.core.crypto.Signer;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Keyed-hash stand-in signatures and small clusters for core unit tests. */
public final class TestKeys {
    private TestKeys() {}

    public static PublicKeyRef key(long id) {
        return new PublicKeyRef(PublicKeyRef.Algorithm.SIMULATED, ByteBuffer.allocate(8).putLong(id).array());
    }

    public static Signer signer(long id) {
        byte[] raw = key(id).raw();
        return message -> Digest.sha256(raw, message).toBytes();
    }

    public static final SignatureVerifier VERIFIER = (key, message, signature) ->
            key.algorithm() == PublicKeyRef.Algorithm.SIMULATED
                    && Arrays.equals(Digest.sha256(key.rawUnsafe(), message).toBytes(), signature);

    /** A cluster of 3f+1 replicas with static clients 1000..1000+clients-1. */
    public static ClusterConfig cluster(int f, int clients) {
        List<ReplicaInfo> replicas = new ArrayList<>();
        for (int i = 0; i < 3 * f + 1; i++) {
            replicas.add(new ReplicaInfo(i, "127.0.0.1", 7000 + i, 7100 + i, 0, key(i)));
        }
        List<ClientInfo> clientInfos = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            clientInfos.add(new ClientInfo(1000 + c, key(1000 + c)));
        }
        return new ClusterConfig(f, replicas, clientInfos, ProtocolSettings.DEFAULTS);
    }
}
