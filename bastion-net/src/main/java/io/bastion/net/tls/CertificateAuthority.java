package io.bastion.net.tls;

import io.bastion.core.util.Check;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * A cluster's certificate authority: an ECDSA P-256 key and its self-signed certificate, made by
 * {@code bastion keygen}, that issues each replica's web certificate (the one browsers and Node
 * clients check, by name) with the replica's hosts as subject alternative names. Browsers trust
 * it once it is installed; a publicly trusted chain (ACME) can replace what it issued. P-256
 * throughout, because browsers accept neither Ed25519 certificates nor Ed25519 signatures on
 * them. Immutable; thread-safe.
 */
public final class CertificateAuthority {
    /** How long a cluster CA is valid. */
    public static final Duration CA_VALIDITY = Duration.ofDays(3650);
    /**
     * How long a web certificate it issues is valid: under the 398 days browsers allow a publicly
     * trusted certificate, so a chain behaves the same whichever CA issued it.
     */
    public static final Duration SERVER_VALIDITY = Duration.ofDays(397);
    /** Validity starts this much before issue, for clocks a little behind. */
    public static final Duration BACKDATE = Duration.ofHours(1);

    private final PrivateKey key;
    private final X509Certificate certificate;

    public CertificateAuthority(PrivateKey key, X509Certificate certificate) {
        Check.argument(CertificateFiles.keyMatches(certificate, key), "the CA key does not belong to its certificate");
        Check.argument(certificate.getBasicConstraints() >= 0, "the CA certificate is not a CA (basicConstraints)");
        this.key = key;
        this.certificate = certificate;
    }

    /** A new CA named {@code name}, valid from {@code notBefore} to {@code notAfter}. */
    public static CertificateAuthority generate(String name, Instant notBefore, Instant notAfter, SecureRandom random) {
        try {
            KeyPair pair = p256(random);
            X500Name subject = new X500Name("CN=" + name);
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(random),
                    Date.from(notBefore), Date.from(notAfter), subject, pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(pair.getPublic()));
            return new CertificateAuthority(pair.getPrivate(), sign(builder, pair.getPrivate()));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot make a CA: " + e, e);
        }
    }

    /** A new CA for cluster {@code name} valid for {@link #CA_VALIDITY} from now. */
    public static CertificateAuthority generate(String name, SecureRandom random) {
        Instant now = Instant.now();
        return generate(name, now.minus(BACKDATE), now.plus(CA_VALIDITY), random);
    }

    /** The CA kept in {@code certificateFile} and {@code keyFile}. */
    public static CertificateAuthority load(Path certificateFile, Path keyFile) throws CertificateFileException {
        KeyMaterial material = CertificateFiles.read(certificateFile, keyFile, "ca");
        try {
            return new CertificateAuthority(material.key(), material.leaf());
        } catch (IllegalArgumentException e) {
            throw new CertificateFileException(certificateFile, e.getMessage());
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public PrivateKey key() {
        return key;
    }

    /**
     * A new P-256 key and a server certificate for it naming {@code hosts}, valid from
     * {@code notBefore} to {@code notAfter}; the chain is the certificate and this CA's.
     */
    public KeyMaterial issueServer(String commonName, List<String> hosts, Instant notBefore, Instant notAfter,
                                   SecureRandom random) {
        Check.argument(!hosts.isEmpty(), "a server certificate names at least one host");
        try {
            KeyPair pair = p256(random);
            X509Certificate leaf = issue(pair.getPublic(), commonName, hosts, notBefore, notAfter, random);
            return new KeyMaterial("issued", pair.getPrivate(), new X509Certificate[] {leaf, certificate});
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot issue a certificate for " + hosts + ": " + e, e);
        }
    }

    /** A server certificate naming {@code hosts} for {@link #SERVER_VALIDITY} from now. */
    public KeyMaterial issueServer(String commonName, List<String> hosts, SecureRandom random) {
        Instant now = Instant.now();
        return issueServer(commonName, hosts, now.minus(BACKDATE), now.plus(SERVER_VALIDITY), random);
    }

    private X509Certificate issue(PublicKey subjectKey, String commonName, List<String> hosts, Instant notBefore,
                                  Instant notAfter, SecureRandom random) throws GeneralSecurityException, IOException {
        JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial(random),
                Date.from(notBefore), Date.from(notAfter), new X500Name("CN=" + commonName), subjectKey)
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                .addExtension(Extension.subjectAlternativeName, false,
                        CertificateFiles.alternativeNames(hosts.toArray(String[]::new)))
                .addExtension(Extension.authorityKeyIdentifier, false,
                        extensions.createAuthorityKeyIdentifier(certificate))
                .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(subjectKey));
        return sign(builder, key);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer) throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("no ECDSA signer: " + e.getMessage(), e);
        }
    }

    private static KeyPair p256(SecureRandom random) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), random);
        return generator.generateKeyPair();
    }

    private static BigInteger serial(SecureRandom random) {
        return new BigInteger(127, random).add(BigInteger.ONE);
    }
}
