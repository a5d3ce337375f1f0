package io.bastion.server;

import io.bastion.net.config.ClusterGenerator;
import io.bastion.net.tls.CertificateFileException;
import io.bastion.net.tls.KeyMaterialSource;
import io.bastion.net.tls.TlsEngine;
import io.bastion.net.tls.WatchedCertificate;

import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How a replica secures its ports. By default every port speaks TLS 1.3: the replica port (mutual
 * TLS with replica certificates checked against the cluster file) and the client port present the
 * replica certificate the replica makes from its key at start; the web and metrics ports present
 * {@code webCertificate}, a chain that browsers and monitoring can check by name (from
 * {@code bastion keygen}, or an ACME CA), re-read when its files change. Ports named in
 * {@code plaintext} speak plain TCP instead: only for local experiments
 * ({@code --insecure-plaintext}), and said loudly at every start. Immutable.
 *
 * @param webCertificate what the web and metrics ports present, or {@code null} when the replica
 *                       has none (then those ports must be plaintext or absent)
 */
public record ReplicaTls(TlsEngine engine, Set<Port> plaintext, KeyMaterialSource webCertificate) {
    /** The ports of a replica. */
    public enum Port {
        REPLICA, CLIENT, WEB, METRICS;

        /** The ports {@code names} lists: {@code all}, or a comma-separated list of replica, client, web, metrics. */
        public static Set<Port> parseList(String names) {
            Set<Port> ports = EnumSet.noneOf(Port.class);
            for (String name : names.split(",")) {
                String trimmed = name.strip().toLowerCase(Locale.ROOT);
                if (trimmed.equals("all")) {
                    ports.addAll(EnumSet.allOf(Port.class));
                    continue;
                }
                try {
                    ports.add(Port.valueOf(trimmed.toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--insecure-plaintext " + names + ": '" + trimmed
                            + "' is no port; name all, or some of replica, client, web, metrics");
                }
            }
            return ports;
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public ReplicaTls {
        plaintext = Collections.unmodifiableSet(plaintext.isEmpty() ? EnumSet.noneOf(Port.class) : EnumSet.copyOf(plaintext));
    }

    /** TLS on every port with the {@linkplain TlsEngine#preferred() preferred engine}, no web certificate yet. */
    public static ReplicaTls defaults() {
        return new ReplicaTls(TlsEngine.preferred(), Set.of(), null);
    }

    /** Plaintext on every port. */
    public static ReplicaTls insecurePlaintext() {
        return new ReplicaTls(TlsEngine.JDK, EnumSet.allOf(Port.class), null);
    }

    public boolean isPlaintext(Port port) {
        return plaintext.contains(port);
    }

    public ReplicaTls withEngine(TlsEngine engine) {
        return new ReplicaTls(engine, plaintext, webCertificate);
    }

    public ReplicaTls withPlaintext(Set<Port> ports) {
        return new ReplicaTls(engine, ports, webCertificate);
    }

    public ReplicaTls withWebCertificate(KeyMaterialSource certificate) {
        return new ReplicaTls(engine, plaintext, certificate);
    }

    /** With the web certificate kept in {@code chainFile} and {@code keyFile}, re-read when they change. */
    public ReplicaTls withWebCertificateFiles(Path chainFile, Path keyFile) throws CertificateFileException {
        return withWebCertificate(new WatchedCertificate(chainFile, keyFile, "web certificate"));
    }

    /**
     * TLS on every port with the web certificate {@code bastion keygen} wrote for replica
     * {@code id} in {@code directory} ({@code replica-<id>-web.crt} and {@code .key}).
     */
    public static ReplicaTls keygenFiles(Path directory, int id) throws CertificateFileException {
        return defaults().withWebCertificateFiles(directory.resolve(ClusterGenerator.webCertificateFileName(id)),
                directory.resolve(ClusterGenerator.webKeyFileName(id)));
    }

    /** The plaintext ports as the flag spells them ("replica, client"). */
    public String plaintextNames() {
        return plaintext.stream().map(Port::toString).collect(Collectors.joining(", "));
    }
}
