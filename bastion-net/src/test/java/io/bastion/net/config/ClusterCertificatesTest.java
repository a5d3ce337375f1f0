package io.bastion.net.config;

import io.bastion.net.tls.CertificateFileException;
import io.bastion.net.tls.CertificateFiles;
import io.bastion.net.tls.ReplicaServerTrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What keygen writes for TLS: the cluster CA (in the cluster file too), and per replica a web
 * certificate naming its host (127.0.0.1 and localhost for a local cluster) with its private key
 * readable by the owner only; renewing replaces them in place.
 */
class ClusterCertificatesTest {
    @TempDir
    Path dir;

    @Test
    void keygenWritesTheClusterCaAndAWebCertificatePerReplicaNamingItsHosts() throws Exception {
        ClusterGenerator.Generated generated = ClusterGenerator.generate(dir, 4, 0, 9100, new SecureRandom());
        ClusterFile.Contents contents = ClusterFile.loadContents(generated.clusterFile());
        X509Certificate ca = CertificateFiles.readChain(dir.resolve("ca.crt")).get(0);
        assertThat(contents.ca()).isEqualTo(ca);
        assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(Files.getPosixFilePermissions(dir.resolve("ca.key"))).isEqualTo(ownerOnly());
        for (int id = 0; id < 4; id++) {
            Path key = dir.resolve("replica-" + id + "-web.key");
            List<X509Certificate> chain = CertificateFiles.readChain(dir.resolve("replica-" + id + "-web.crt"));
            assertThat(chain).hasSize(2).element(1).isEqualTo(ca);
            assertThat(Files.getPosixFilePermissions(key)).isEqualTo(ownerOnly());
            assertThat(CertificateFiles.read(dir.resolve("replica-" + id + "-web.crt"), key, "x").leaf()).isEqualTo(chain.get(0));
            assertThat(chain.get(0).getSubjectAlternativeNames().stream().map(name -> String.valueOf(name.get(1))))
                    .contains("127.0.0.1", "localhost");
            chain.get(0).verify(ca.getPublicKey());
            new ReplicaServerTrustManager(contents.config(), id, "replica " + id, contents.authorities(),
                    Clock.systemUTC()).checkServerTrusted(chain.toArray(X509Certificate[]::new), "UNKNOWN");
        }
    }

    @Test
    void renewingReplacesEveryWebCertificateWithOneFromTheSameCa() throws Exception {
        ClusterGenerator.generate(dir, 4, 0, 9200, new SecureRandom());
        X509Certificate before = CertificateFiles.readChain(dir.resolve("replica-2-web.crt")).get(0);
        List<Path> renewed = ClusterGenerator.renewWebCertificates(dir, new SecureRandom());
        assertThat(renewed).hasSize(4);
        List<X509Certificate> after = CertificateFiles.readChain(dir.resolve("replica-2-web.crt"));
        assertThat(after.get(0).getSerialNumber()).isNotEqualTo(before.getSerialNumber());
        after.get(0).verify(CertificateFiles.readChain(dir.resolve("ca.crt")).get(0).getPublicKey());
        assertThat(CertificateFiles.read(dir.resolve("replica-2-web.crt"), dir.resolve("replica-2-web.key"), "x").leaf())
                .isEqualTo(after.get(0));
        assertThat(Files.getPosixFilePermissions(dir.resolve("replica-2-web.key"))).isEqualTo(ownerOnly());
    }

    @Test
    void aClusterFileWithABadCaIsRefusedNamingTheField() throws Exception {
        ClusterGenerator.Generated generated = ClusterGenerator.generate(dir, 4, 0, 9300, new SecureRandom());
        String text = Files.readString(generated.clusterFile());
        String broken = text.replaceFirst("ca = \"[^\"]*\"", "ca = \"bm90IGEgY2VydGlmaWNhdGU=\"");
        assertThatThrownBy(() -> ClusterFile.parseContents(broken, generated.clusterFile()))
                .isInstanceOf(InvalidClusterFileException.class).hasMessageContaining("tls.ca")
                .hasMessageContaining("not the base64 of a DER X.509 certificate");
        X509Certificate leaf = CertificateFiles.readChain(dir.resolve("replica-0-web.crt")).get(0);
        String notCa = text.replaceFirst("ca = \"[^\"]*\"", "ca = \""
                + java.util.Base64.getEncoder().encodeToString(leaf.getEncoded()) + "\"");
        assertThatThrownBy(() -> ClusterFile.parseContents(notCa, generated.clusterFile()))
                .isInstanceOf(InvalidClusterFileException.class).hasMessageContaining("is not a CA certificate");
        assertThat(ClusterFile.parseContents(text.replaceFirst("(?s)\\[tls].*?\\n\\n", ""), generated.clusterFile()).ca())
                .as("without [tls] the file names no CA").isNull();
    }

    @Test
    void certificateFilesThatCannotBeUsedAreRefusedNamingTheFileAndTheProblem() throws Exception {
        ClusterGenerator.generate(dir, 1, 0, 9400, new SecureRandom());
        Path chain = dir.resolve("replica-0-web.crt");
        Path key = dir.resolve("replica-0-web.key");
        assertThatThrownBy(() -> CertificateFiles.readChain(key)).isInstanceOf(CertificateFileException.class)
                .hasMessageContaining(key.toString()).hasMessageContaining("is it the key file?");
        assertThatThrownBy(() -> CertificateFiles.readPrivateKey(chain)).isInstanceOf(CertificateFileException.class)
                .hasMessageContaining("not an unencrypted private key");
        assertThatThrownBy(() -> CertificateFiles.read(chain, dir.resolve("ca.key"), "x"))
                .isInstanceOf(CertificateFileException.class).hasMessageContaining("is not the key of the first certificate");
        assertThatThrownBy(() -> CertificateFiles.readChain(dir.resolve("missing.crt")))
                .isInstanceOf(CertificateFileException.class).hasMessageContaining("no such file");
        Path empty = Files.writeString(dir.resolve("empty.crt"), "nothing here\n");
        assertThatThrownBy(() -> CertificateFiles.readChain(empty)).isInstanceOf(CertificateFileException.class)
                .hasMessageContaining("holds no certificate");
    }

    private static Set<PosixFilePermission> ownerOnly() {
        return Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }
}
