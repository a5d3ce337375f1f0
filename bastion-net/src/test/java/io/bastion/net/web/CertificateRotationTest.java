package io.bastion.net.web;

import io.bastion.net.EventLoops;
import io.bastion.net.NetSettings;
import io.bastion.net.endpoint.ClientEndpoint;
import io.bastion.net.endpoint.ClientLimits;
import io.bastion.net.testing.Await;
import io.bastion.net.testing.TlsCluster;
import io.bastion.net.tls.CertificateFiles;
import io.bastion.net.tls.ChannelSecurity;
import io.bastion.net.tls.KeyMaterial;
import io.bastion.net.tls.TlsContexts;
import io.bastion.net.tls.TlsEngine;
import io.bastion.net.tls.WatchedCertificate;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An operator replaces the web certificate files of a running replica (a renewed ACME chain): new
 * connections get the new certificate within a second, open ones carry on with theirs, and a pair
 * of files that does not fit together is not served.
 */
class CertificateRotationTest {
    @TempDir
    Path directory;

    private final EventLoopGroup group = EventLoops.newGroup(2, "test-rotation");
    private final TlsCluster cluster = TlsCluster.of(4, true);
    private ClientEndpoint clients;
    private WebEndpoint web;

    @AfterEach
    void tearDown() {
        if (web != null) {
            web.close();
        }
        if (clients != null) {
            clients.close();
        }
        EventLoops.shutdown(group);
    }

    /** A kept-alive HTTPS connection trusting the cluster CA: the certificate it got, and GETs over it. */
    private final class Connection implements AutoCloseable {
        private final SSLSocket socket;
        private final BufferedReader in;

        Connection() throws IOException {
            socket = (SSLSocket) TlsContexts.trusting(List.of(cluster.ca().certificate())).getSocketFactory()
                    .createSocket("127.0.0.1", web.localAddress().getPort());
            var parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        }

        BigInteger serial() throws IOException {
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        }

        /** GETs /cluster.json over this connection; returns the status line. */
        String get() throws IOException {
            OutputStream out = socket.getOutputStream();
            out.write("GET /cluster.json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String status = in.readLine();
            int length = 0;
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                if (line.toLowerCase().startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).strip());
                }
            }
            char[] body = new char[length];
            int read = 0;
            while (read < length) {
                read += in.read(body, read, length - read);
            }
            return status;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static BigInteger serial(KeyMaterial material) {
        return material.leaf().getSerialNumber();
    }

    @Test
    void replacedFilesAreServedToNewConnectionsWhileOpenOnesContinue() throws Exception {
        Path chain = directory.resolve("web.crt");
        Path key = directory.resolve("web.key");
        KeyMaterial first = cluster.webCertificate("127.0.0.1");
        CertificateFiles.writeChain(chain, List.of(first.chain()));
        CertificateFiles.writePrivateKey(key, first.key());
        assertThat(Files.getPosixFilePermissions(key)).isEqualTo(Set.of(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE));
        WatchedCertificate watched = new WatchedCertificate(chain, key, "web certificate");
        clients = new ClientEndpoint(new InetSocketAddress("127.0.0.1", 0), NetSettings.DEFAULTS,
                ChannelSecurity.PLAINTEXT, group, ClientLimits.DEFAULTS, (connection, message) -> { }).start();
        web = new WebEndpoint(new InetSocketAddress("127.0.0.1", cluster.config().replica(0).webPort()), cluster.config(),
                null, NetSettings.DEFAULTS, ChannelSecurity.tls(TlsContexts.server(watched, TlsEngine.JDK)), group,
                clients).start();

        try (Connection before = new Connection()) {
            assertThat(before.serial()).isEqualTo(serial(first));
            assertThat(before.get()).isEqualTo("HTTP/1.1 200 OK");

            KeyMaterial second = cluster.webCertificate("127.0.0.1");
            CertificateFiles.replace(key, CertificateFiles.pem(second.key()), true);
            CertificateFiles.replace(chain, CertificateFiles.pem(List.of(second.chain())), false);
            assertThat(Files.getPosixFilePermissions(key)).doesNotContain(PosixFilePermission.GROUP_READ,
                    PosixFilePermission.OTHERS_READ);

            Await.until("a new connection gets the new certificate", () -> {
                try (Connection after = new Connection()) {
                    return after.serial().equals(serial(second)) && after.get().equals("HTTP/1.1 200 OK");
                } catch (IOException e) {
                    return false;
                }
            });
            assertThat(before.get()).as("the open connection carries on").isEqualTo("HTTP/1.1 200 OK");
            assertThat(before.serial()).isEqualTo(serial(first));
        }
    }

    @Test
    void aKeyThatDoesNotFitTheChainIsNotServedAndThePreviousPairStays() throws Exception {
        Path chain = directory.resolve("web.crt");
        Path key = directory.resolve("web.key");
        KeyMaterial first = cluster.webCertificate("127.0.0.1");
        CertificateFiles.writeChain(chain, List.of(first.chain()));
        CertificateFiles.writePrivateKey(key, first.key());
        WatchedCertificate watched = new WatchedCertificate(chain, key, "web certificate");

        KeyMaterial other = cluster.webCertificate("127.0.0.1");
        CertificateFiles.replace(key, CertificateFiles.pem(other.key()), true); // the chain still is the first one's
        assertThat(watched.reload()).isFalse();
        assertThat(serial(watched.current())).isEqualTo(serial(first));

        CertificateFiles.replace(chain, CertificateFiles.pem(List.of(other.chain())), false);
        assertThat(watched.reload()).isTrue();
        assertThat(serial(watched.current())).isEqualTo(serial(other));
    }
}
