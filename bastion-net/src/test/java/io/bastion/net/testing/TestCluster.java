package io.bastion.net.testing;

import io.bastion.core.config.ClusterConfig;
import io.bastion.core.config.ProtocolSettings;
import io.bastion.core.config.ReplicaInfo;

import java.util.ArrayList;
import java.util.List;

/** A cluster config on loopback with free ports and one {@link HmacSigner} per replica. */
public final class TestCluster {
    public static final String HOST = "127.0.0.1";

    private final ClusterConfig config;
    private final List<HmacSigner> signers;

    private TestCluster(ClusterConfig config, List<HmacSigner> signers) {
        this.config = config;
        this.signers = signers;
    }

    public static TestCluster of(int n) {
        int f = (n - 1) / 3;
        List<HmacSigner> signers = new ArrayList<>();
        List<ReplicaInfo> replicas = new ArrayList<>();
        for (int id = 0; id < n; id++) {
            HmacSigner signer = new HmacSigner(key(id));
            signers.add(signer);
            replicas.add(new ReplicaInfo(id, HOST, Ports.free(), Ports.free(), 0, signer.publicKey()));
        }
        return new TestCluster(new ClusterConfig(f, replicas, List.of(), ProtocolSettings.DEFAULTS), signers);
    }

    /** A key no replica of any test cluster uses: an impersonator's. */
    public static HmacSigner impostor() {
        return new HmacSigner(new byte[] {66, 66, 66, 66, 66, 66, 66, 66});
    }

    private static byte[] key(int id) {
        return new byte[] {1, 2, 3, 4, 5, 6, 7, (byte) id};
    }

    public ClusterConfig config() {
        return config;
    }

    public HmacSigner signer(int id) {
        return signers.get(id);
    }

    public int replicaPort(int id) {
        return config.replica(id).replicaPort();
    }

    public int clientPort(int id) {
        return config.replica(id).clientPort();
    }
}
