package io.bastion.net.tls;

import io.bastion.core.config.ClusterConfig;
import io.bastion.crypto.PublicKeys;
import io.bastion.crypto.SigningKey;
import io.bastion.net.tls.RejectedCertificateException.Reason;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Date;
import java.util.function.IntPredicate;

/**
 * The certificates that tie a replica's TLS connections to its key in the cluster file, and the
 * check every replica and Java client applies to them.
 *
 * <p>A replica's TLS key is a P-256 key it makes at start and never writes down. Its certificate
 * has the subject {@code CN=bastion replica <id>} and is signed by the replica's Ed25519 key, the
 * key the cluster file lists for that id: the replica key acts as the issuer of its own TLS
 * certificates. The TLS handshake proves the other end holds the P-256 key; the signature proves
 * the replica key vouched for it. A peer therefore needs no certificate authority and no trust
 * store, only the cluster file. (The TLS key is not the Ed25519 key itself because BoringSSL, the
 * {@link TlsEngine#OPENSSL} engine, does not offer Ed25519 in TLS; a P-256 key works with both
 * engines and the JDK verifies the Ed25519 signature.)
 *
 * <p>{@link #check} accepts such a certificate when the replica it claims is acceptable, the
 * signature verifies under that replica's key, and it is valid now; otherwise it throws a
 * {@link RejectedCertificateException} naming the replica and the reason. Stateless and
 * thread-safe.
 */
public final class ReplicaCertificates {
    /** How a replica certificate's common name starts; the replica id follows. */
    public static final String COMMON_NAME_PREFIX = "bastion replica ";

    private ReplicaCertificates() {}

    /** A TLS key and the certificate that replica {@code replicaId}'s key signed for it. */
    public record Issued(PrivateKey key, X509Certificate certificate) {}

    /**
     * Makes a fresh P-256 key and a certificate for it, valid from {@code notBefore} to
     * {@code notAfter}, signed by {@code replicaKey} as replica {@code replicaId}. {@code host}
     * goes into the subject alternative names (for tools like {@code openssl s_client}; Bastion
     * checks the key, not the name).
     */
    public static Issued issue(SigningKey replicaKey, int replicaId, String host, Instant notBefore, Instant notAfter,
                               SecureRandom random) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            KeyPair tlsKey = generator.generateKeyPair();
            X500Name name = name(replicaId);
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, new BigInteger(64, random).abs(),
                    Date.from(notBefore), Date.from(notAfter), name, tlsKey.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                            new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                    .addExtension(Extension.subjectAlternativeName, false, CertificateFiles.alternativeNames(host));
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(signatureAlgorithm(replicaKey)).build(jdkKey(replicaKey))));
            return new Issued(tlsKey.getPrivate(), certificate);
        } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
            throw new IllegalStateException("cannot issue a TLS certificate for replica " + replicaId + ": " + e, e);
        }
    }

    static X500Name name(int replicaId) {
        return new X500Name("CN=" + COMMON_NAME_PREFIX + replicaId);
    }

    /** The replica id {@code certificate}'s subject claims, or -1 when it claims none. */
    public static int claimedReplica(X509Certificate certificate) {
        X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        var names = subject.getRDNs(BCStyle.CN);
        if (names.length != 1) {
            return -1;
        }
        String commonName = IETFUtils.valueToString(names[0].getFirst().getValue());
        if (!commonName.startsWith(COMMON_NAME_PREFIX)) {
            return -1;
        }
        String digits = commonName.substring(COMMON_NAME_PREFIX.length());
        if (digits.isEmpty() || digits.length() > 9 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Integer.parseInt(digits);
    }

    /**
     * Checks {@code chain[0]} as a replica certificate of {@code config} and returns the replica it
     * belongs to.
     *
     * @param expected   the replica this end dialed, or -1 when any replica that {@code acceptable}
     *                   admits may be on the other end (an acceptor)
     * @param acceptable which claimed replicas may connect at all (an acceptor: lower ids only)
     * @param now        the time validity is checked at
     */
    public static int check(X509Certificate[] chain, ClusterConfig config, int expected, IntPredicate acceptable,
                            Instant now) throws RejectedCertificateException {
        if (chain == null || chain.length == 0) {
            throw new RejectedCertificateException(Reason.NOT_A_REPLICA, expectedName(expected) + " presented no certificate");
        }
        X509Certificate leaf = chain[0];
        int claimed = claimedReplica(leaf);
        if (claimed < 0) {
            throw new RejectedCertificateException(Reason.NOT_A_REPLICA, expectedName(expected)
                    + " presented a certificate that names no replica (subject " + leaf.getSubjectX500Principal() + ")");
        }
        if (claimed >= config.n()) {
            throw new RejectedCertificateException(Reason.KEY_MISMATCH, expectedName(expected)
                    + " presented a certificate of replica " + claimed + ", which the cluster file does not list (n = "
                    + config.n() + ")");
        }
        if (!signedBy(leaf, config, claimed)) {
            throw new RejectedCertificateException(Reason.KEY_MISMATCH, "the certificate of replica " + claimed
                    + (expected >= 0 && expected != claimed ? " (expected replica " + expected + ")" : "")
                    + " is not signed by replica " + claimed + "'s key in the cluster file: a replica of another"
                    + " cluster, or a cluster file that is out of date");
        }
        if (expected >= 0 && claimed != expected) {
            throw new RejectedCertificateException(Reason.OTHER_REPLICA, "replica " + expected
                    + " was expected, but the other end presented replica " + claimed + "'s certificate");
        }
        if (expected < 0 && !acceptable.test(claimed)) {
            throw new RejectedCertificateException(Reason.OTHER_REPLICA, "replica " + claimed
                    + " may not open this connection (only lower ids dial higher ones)");
        }
        checkValidity(leaf, "replica " + claimed + "'s certificate", now);
        return claimed;
    }

    /** Throws {@link Reason#EXPIRED} or {@link Reason#NOT_YET_VALID} when {@code certificate} is not valid at {@code now}. */
    static void checkValidity(X509Certificate certificate, String what, Instant now) throws RejectedCertificateException {
        Instant notBefore = certificate.getNotBefore().toInstant();
        Instant notAfter = certificate.getNotAfter().toInstant();
        if (now.isBefore(notBefore)) {
            throw new RejectedCertificateException(Reason.NOT_YET_VALID, what + " is not valid before " + notBefore
                    + " (now " + now + "; are the clocks apart?)");
        }
        if (now.isAfter(notAfter)) {
            throw new RejectedCertificateException(Reason.EXPIRED, what + " expired at " + notAfter + " (now " + now + ")");
        }
    }

    private static boolean signedBy(X509Certificate leaf, ClusterConfig config, int replicaId) {
        try {
            PublicKey key = PublicKeys.toJdk(config.replica(replicaId).publicKey());
            leaf.verify(key);
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static String expectedName(int expected) {
        return expected >= 0 ? "replica " + expected : "the other end";
    }

    /** The JDK's form of a Bastion signing key, for certificate signing. */
    static PrivateKey jdkKey(SigningKey key) throws GeneralSecurityException {
        String algorithm = switch (key.publicKey().algorithm()) {
            case ED25519 -> "Ed25519";
            case ECDSA_P256 -> "EC";
            case SIMULATED -> throw new InvalidKeyException("a simulated key cannot sign certificates");
        };
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(key.toPkcs8()));
    }

    static String signatureAlgorithm(SigningKey key) {
        return key.publicKey().algorithm() == io.bastion.core.crypto.PublicKeyRef.Algorithm.ED25519
                ? "Ed25519" : "SHA256withECDSA";
    }
}
