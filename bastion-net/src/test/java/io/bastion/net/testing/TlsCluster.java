package io.bastion.net.testing;

import io.bastion.core.config.ClusterConfig;
import io.bastion.core.config.ProtocolSettings;
import io.bastion.core.config.ReplicaInfo;
import io.bastion.crypto.Ed25519SigningKey;
import io.bastion.crypto.SigningKey;
import io.bastion.net.tls.CertificateAuthority;
import io.bastion.net.tls.KeyMaterial;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * A cluster config on loopback with free ports and a real Ed25519 key per replica (what TLS
 * certificates are signed with), plus a cluster CA and, per replica, a web certificate it issued
 * for 127.0.0.1 and localhost.
 */
public final class TlsCluster {
    public static final String HOST = "127.0.0.1";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ClusterConfig config;
    private final List<SigningKey> keys;
    private final CertificateAuthority ca;

    private TlsCluster(ClusterConfig config, List<SigningKey> keys, CertificateAuthority ca) {
        this.config = config;
        this.keys = keys;
        this.ca = ca;
    }

    /** n replicas, with web ports when {@code web}. */
    public static TlsCluster of(int n, boolean web) {
        List<SigningKey> keys = new ArrayList<>();
        List<ReplicaInfo> replicas = new ArrayList<>();
        for (int id = 0; id < n; id++) {
            SigningKey key = Ed25519SigningKey.generate(RANDOM);
            keys.add(key);
            replicas.add(new ReplicaInfo(id, HOST, Ports.free(), Ports.free(), web ? Ports.free() : 0, key.publicKey()));
        }
        return new TlsCluster(new ClusterConfig((n - 1) / 3, replicas, List.of(), ProtocolSettings.DEFAULTS), keys,
                CertificateAuthority.generate("test cluster CA", RANDOM));
    }

    public static SigningKey foreignKey() {
        return Ed25519SigningKey.generate(RANDOM);
    }

    public ClusterConfig config() {
        return config;
    }

    public SigningKey key(int id) {
        return keys.get(id);
    }

    public CertificateAuthority ca() {
        return ca;
    }

    /** A web certificate for {@code hosts} from the cluster CA. */
    public KeyMaterial webCertificate(String... hosts) {
        return ca.issueServer("test replica", List.of(hosts), RANDOM);
    }

    public static SecureRandom random() {
        return RANDOM;
    }
}
