package io.bastion.net.tls;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Certificate chains and their private keys as PEM files, the form ACME clients (certbot, lego,
 * acme.sh) and {@code openssl} write: a chain file of "CERTIFICATE" blocks, leaf first; a key file
 * holding one "PRIVATE KEY" (PKCS#8), "EC PRIVATE KEY" or "RSA PRIVATE KEY" block. Reading checks
 * that the key belongs to the leaf. Private key files are written readable by their owner only.
 * Stateless and thread-safe.
 */
public final class CertificateFiles {
    /** Longest certificate or key file read; a chain of a few certificates is a few KiB. */
    public static final int FILE_BYTES_MAX = 1 << 20;
    private static final Set<PosixFilePermission> OWNER_ONLY =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private CertificateFiles() {}

    /** The certificates of a PEM chain file, leaf first; at least one. */
    public static List<X509Certificate> readChain(Path file) throws CertificateFileException {
        String text = read(file);
        List<X509Certificate> chain = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            for (Object block = parser.readObject(); block != null; block = parser.readObject()) {
                if (!(block instanceof X509CertificateHolder holder)) {
                    throw new CertificateFileException(file, "holds a " + kind(block)
                            + " where only CERTIFICATE blocks belong (is it the key file?)");
                }
                chain.add(new JcaX509CertificateConverter().getCertificate(holder));
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            if (e instanceof CertificateFileException c) {
                throw c;
            }
            throw new CertificateFileException(file, "is not a PEM certificate chain (" + e.getMessage() + ")", e);
        }
        if (chain.isEmpty()) {
            throw new CertificateFileException(file, "holds no certificate (a \"-----BEGIN CERTIFICATE-----\" block)");
        }
        return List.copyOf(chain);
    }

    /** The private key of a PEM key file (PKCS#8, SEC1 EC or PKCS#1 RSA, unencrypted). */
    public static PrivateKey readPrivateKey(Path file) throws CertificateFileException {
        String text = read(file);
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            Object block = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (block instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (block instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
            throw new CertificateFileException(file, block == null ? "holds no PEM private key"
                    : "holds a " + kind(block) + ", not an unencrypted private key");
        } catch (IOException | RuntimeException e) {
            if (e instanceof CertificateFileException c) {
                throw c;
            }
            throw new CertificateFileException(file, "is not a PEM private key (" + e.getMessage() + ")", e);
        }
    }

    /** Reads a chain and its key and checks that the key is the leaf's. */
    public static KeyMaterial read(Path chainFile, Path keyFile, String alias) throws CertificateFileException {
        List<X509Certificate> chain = readChain(chainFile);
        PrivateKey key = readPrivateKey(keyFile);
        if (!keyMatches(chain.get(0), key)) {
            throw new CertificateFileException(keyFile, "is not the key of the first certificate in " + chainFile
                    + " (" + chain.get(0).getSubjectX500Principal() + ")");
        }
        return new KeyMaterial(alias, key, chain.toArray(X509Certificate[]::new));
    }

    /** Whether {@code key} is the private key of {@code certificate}'s public key (it signs, the certificate verifies). */
    static boolean keyMatches(X509Certificate certificate, PrivateKey key) {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            return false;
        }
        try {
            byte[] probe = "bastion key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key, new SecureRandom());
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** {@code certificates} as PEM text, in order. */
    public static String pem(List<X509Certificate> certificates) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            for (X509Certificate certificate : certificates) {
                writer.writeObject(certificate);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("PEM into memory failed", e);
        }
        return out.toString();
    }

    /** {@code key} as PEM "PRIVATE KEY" (PKCS#8). */
    public static String pem(PrivateKey key) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null));
        } catch (IOException e) {
            throw new UncheckedIOException("PEM into memory failed", e);
        }
        return out.toString();
    }

    /** Writes a chain file; fails if {@code file} exists. */
    public static void writeChain(Path file, List<X509Certificate> chain) throws IOException {
        Files.createFile(file);
        Files.writeString(file, pem(chain), StandardCharsets.US_ASCII);
    }

    /** Writes a private key file readable by its owner only; fails if {@code file} exists. */
    public static void writePrivateKey(Path file, PrivateKey key) throws IOException {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } else {
            Files.createFile(file);
        }
        Files.writeString(file, pem(key), StandardCharsets.US_ASCII);
    }

    /**
     * Replaces {@code file} with {@code text} in one step (a temporary file moved over it), so a
     * replica watching the file never reads half of it. Owner-only when {@code secret}.
     */
    public static void replace(Path file, String text, boolean secret) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        if (secret && file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(temporary, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        }
        Files.writeString(temporary, text, StandardCharsets.US_ASCII);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Subject alternative names for {@code hosts}: an IP address entry for each literal address, a
     * DNS entry for each name. A host named {@code localhost}, {@code 127.0.0.1} or {@code ::1} gets
     * all three, so a local cluster's certificates work whichever of them a browser uses.
     */
    static GeneralNames alternativeNames(String... hosts) {
        Set<String> all = new LinkedHashSet<>();
        for (String host : hosts) {
            String h = host.toLowerCase(Locale.ROOT);
            all.add(h);
            if (h.equals("localhost") || h.equals("127.0.0.1") || h.equals("::1") || h.equals("[::1]")) {
                all.addAll(List.of("localhost", "127.0.0.1", "::1"));
            }
        }
        List<GeneralName> names = new ArrayList<>();
        for (String host : all) {
            String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
            names.add(isAddress(bare) ? new GeneralName(GeneralName.iPAddress, bare) : new GeneralName(GeneralName.dNSName, bare));
        }
        return new GeneralNames(names.toArray(GeneralName[]::new));
    }

    /** Whether {@code host} is an IPv4 or IPv6 literal (checked without a DNS look-up). */
    static boolean isAddress(String host) {
        boolean ipv4 = host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean ipv6 = host.contains(":") && host.matches("[0-9a-fA-F:.]+");
        if (!ipv4 && !ipv6) {
            return false;
        }
        try {
            InetAddress.getByName(host); // a literal is parsed, never looked up
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String read(Path file) throws CertificateFileException {
        try {
            long size = Files.size(file);
            if (size > FILE_BYTES_MAX) {
                throw new CertificateFileException(file, "is " + size + " bytes, too large for a certificate or key file");
            }
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new CertificateFileException(file, "no such file", e);
        } catch (AccessDeniedException e) {
            throw new CertificateFileException(file, "permission denied", e);
        } catch (IOException e) {
            throw new CertificateFileException(file, "cannot read: " + e, e);
        }
    }

    private static String kind(Object block) {
        return block instanceof PrivateKeyInfo || block instanceof PEMKeyPair ? "private key" : block.getClass().getSimpleName();
    }
}
