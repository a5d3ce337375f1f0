package io.bastion.net.tls;

import io.bastion.core.config.ClusterConfig;
import io.bastion.net.tls.RejectedCertificateException.Reason;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;

/**
 * How a client decides whether the server it reached is replica {@code replicaId}, trusting what
 * the cluster file says rather than the host's trust store:
 * <ol>
 *   <li>a replica certificate ({@link ReplicaCertificates}) is accepted when it is signed by that
 *       replica's key in the cluster file and valid now: the key is pinned, names play no part;
 *   <li>any other certificate is accepted when its chain leads to a certificate authority the
 *       caller trusts (the cluster CA of the cluster file) and names the replica's host, as the
 *       JDK's standard PKIX check with HTTPS host-name rules decides;
 *   <li>everything else is refused.
 * </ol>
 * Refusals are {@link RejectedCertificateException}s naming the replica and the reason. Thread-safe.
 */
public final class ReplicaServerTrustManager extends X509ExtendedTrustManager {
    private static final X509Certificate[] NO_ISSUERS = new X509Certificate[0];

    private final ClusterConfig config;
    private final int replicaId;
    private final String where;
    private final X509ExtendedTrustManager authorities;
    private final Clock clock;

    /**
     * @param authorities certificate authorities whose certificates name hosts (the cluster CA), or
     *                    an empty list to accept replica certificates only
     */
    public ReplicaServerTrustManager(ClusterConfig config, int replicaId, String where, List<X509Certificate> authorities,
                                     Clock clock) {
        this.config = config;
        this.replicaId = replicaId;
        this.where = where;
        this.authorities = authorities.isEmpty() ? null : pkix(authorities);
        this.clock = clock;
    }

    static X509ExtendedTrustManager pkix(List<X509Certificate> authorities) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (int i = 0; i < authorities.size(); i++) {
                store.setCertificateEntry("ca-" + i, authorities.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(store);
            for (var manager : factory.getTrustManagers()) {
                if (manager instanceof X509ExtendedTrustManager extended) {
                    return extended;
                }
            }
            throw new IllegalStateException("the JDK's PKIX trust manager factory made no X509ExtendedTrustManager");
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot set up certificate checks for the cluster CA: " + e, e);
        }
    }

    private void check(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        if (chain != null && chain.length > 0 && ReplicaCertificates.claimedReplica(chain[0]) >= 0) {
            try {
                ReplicaCertificates.check(chain, config, replicaId, id -> true, clock.instant());
                return;
            } catch (RejectedCertificateException e) {
                throw new RejectedCertificateException(e.reason(), where + ": " + e.getMessage(), e);
            }
        }
        if (authorities == null) {
            throw new RejectedCertificateException(Reason.NOT_A_REPLICA, where + ": the certificate ("
                    + (chain == null || chain.length == 0 ? "none" : chain[0].getSubjectX500Principal())
                    + ") is not signed by replica " + replicaId + "'s key, and the cluster file names no CA");
        }
        checkAgainstAuthorities(chain, authType, engine);
    }

    private void checkAgainstAuthorities(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        try {
            authorities.checkServerTrusted(chain, authType); // the chain, without the host name
        } catch (CertificateException e) {
            Reason reason = chainReason(e);
            String text = switch (reason) {
                case EXPIRED -> "a certificate of its chain has expired";
                case NOT_YET_VALID -> "a certificate of its chain is not valid yet";
                default -> "its certificate is not issued by the cluster CA (unknown CA)";
            };
            throw new RejectedCertificateException(reason, where + ": " + text + " (" + e.getMessage() + ")", e);
        }
        if (engine == null) {
            return;
        }
        try {
            authorities.checkServerTrusted(chain, authType, engine); // now with HTTPS host-name rules
        } catch (CertificateException e) {
            throw new RejectedCertificateException(Reason.WRONG_NAME, where + ": its certificate does not name "
                    + engine.getPeerHost() + " (" + e.getMessage() + ")", e);
        }
    }

    private static Reason chainReason(CertificateException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException) {
                return Reason.EXPIRED;
            }
            if (t instanceof CertificateNotYetValidException) {
                return Reason.NOT_YET_VALID;
            }
            if (t instanceof CertPathValidatorException validator) {
                if (validator.getReason() == CertPathValidatorException.BasicReason.EXPIRED) {
                    return Reason.EXPIRED;
                }
                if (validator.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
                    return Reason.NOT_YET_VALID;
                }
            }
        }
        return Reason.UNKNOWN_CA;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain, authType, null);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, authType, null);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("a client does not accept TLS clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("a client does not accept TLS clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a client does not accept TLS clients");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return NO_ISSUERS;
    }
}
