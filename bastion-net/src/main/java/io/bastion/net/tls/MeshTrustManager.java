package io.bastion.net.tls;

import io.bastion.core.config.ClusterConfig;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;

/**
 * The trust decision on the replica mesh, for both ends of a connection: the other end's
 * certificate must be a replica certificate signed by the key the cluster file lists for the
 * replica it claims, valid now ({@link ReplicaCertificates#check}). A dialer expects exactly the
 * replica it dialed; an acceptor takes any replica with a lower id (lower ids dial higher ones)
 * and learns which one from the certificate. No certificate authority takes part. Thread-safe.
 */
final class MeshTrustManager extends X509ExtendedTrustManager {
    private static final X509Certificate[] NO_ISSUERS = new X509Certificate[0];

    private final ClusterConfig config;
    private final int selfId;
    private final int expectedPeer;
    private final Clock clock;

    /** @param expectedPeer the replica a dialer dialed, or -1 for the acceptor */
    MeshTrustManager(ClusterConfig config, int selfId, int expectedPeer, Clock clock) {
        this.config = config;
        this.selfId = selfId;
        this.expectedPeer = expectedPeer;
        this.clock = clock;
    }

    private void check(X509Certificate[] chain) throws CertificateException {
        ReplicaCertificates.check(chain, config, expectedPeer, id -> id < selfId && id >= 0, clock.instant());
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return NO_ISSUERS;
    }
}
