package io.bastion.net.config;

import io.bastion.core.config.ClientInfo;
import io.bastion.core.config.ClusterConfig;
import io.bastion.core.config.ProtocolSettings;
import io.bastion.core.session.SessionSettings;
import io.bastion.core.config.ReplicaInfo;
import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.crypto.PublicKeys;

import java.io.ByteArrayInputStream;
import java.lang.reflect.RecordComponent;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns a bound cluster file into a {@link ClusterConfig}, checking everything the core's
 * constructors would check, and more, first, so that each problem is reported with the field as
 * the file spells it. Used once per load; not thread-safe.
 */
final class ClusterFileValidator {
    private static final int PORT_MAX = 65_535;
    private static final Set<String> SETTING_NAMES = Arrays.stream(ProtocolSettings.class.getRecordComponents())
            .map(RecordComponent::getName).collect(Collectors.toUnmodifiableSet());

    private final Path file;
    /** Who already uses a public key or an endpoint, by the field that names it. */
    private final Map<PublicKeyRef, String> keyOwners = new HashMap<>();
    private final Map<String, String> endpointOwners = new HashMap<>();
    /** The optional metricsPort of each replica, by id (0: none), filled by {@link #toConfig}. */
    private final List<Integer> metricsPorts = new ArrayList<>();

    ClusterFileValidator(Path file) {
        this.file = file;
    }

    ClusterConfig toConfig(ClusterFileModel model) throws InvalidClusterFileException {
        int f = required(model.f(), "f");
        if (f < 0) {
            throw invalid("f", "must be >= 0, got " + f);
        }
        List<ReplicaInfo> replicas = replicas(model.replica());
        if (replicas.size() < 3 * f + 1) {
            throw invalid("f", "f = " + f + " needs at least 3f+1 = " + (3 * f + 1) + " replicas, the file lists "
                    + replicas.size());
        }
        List<ClientInfo> clients = clients(model.client());
        ProtocolSettings settings = settings(model.protocol());
        try {
            return new ClusterConfig(f, replicas, clients, settings);
        } catch (IllegalArgumentException e) { // checked above already; kept so nothing escapes unnamed
            throw new InvalidClusterFileException(file, null, e.getMessage(), e);
        }
    }

    private List<ReplicaInfo> replicas(List<ClusterFileModel.Replica> entries) throws InvalidClusterFileException {
        if (entries == null || entries.isEmpty()) {
            throw invalid("replica", "the file lists no replicas; add a [[replica]] table for each");
        }
        List<ReplicaInfo> replicas = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            replicas.add(replica(i, entries.get(i)));
        }
        return replicas;
    }

    private ReplicaInfo replica(int index, ClusterFileModel.Replica entry) throws InvalidClusterFileException {
        String at = "replica[" + index + "]";
        int id = required(entry.id(), at + ".id");
        if (id != index) {
            throw invalid(at + ".id", id >= 0 && id < index ? id + " is already used by replica[" + id + "]"
                    : "must be " + index + " (replicas are listed in id order 0..n-1), got " + id);
        }
        String host = required(entry.host(), at + ".host");
        if (host.isBlank()) {
            throw invalid(at + ".host", "must not be empty");
        }
        int replicaPort = port(required(entry.replicaPort(), at + ".replicaPort"), at + ".replicaPort");
        int clientPort = port(required(entry.clientPort(), at + ".clientPort"), at + ".clientPort");
        int webPort = optionalPort(entry.webPort(), at + ".webPort", "no web endpoint");
        int metricsPort = optionalPort(entry.metricsPort(), at + ".metricsPort", "no metrics unless --metrics-port");
        claimEndpoint(host, replicaPort, at + ".replicaPort");
        claimEndpoint(host, clientPort, at + ".clientPort");
        if (webPort != 0) {
            claimEndpoint(host, webPort, at + ".webPort");
        }
        if (metricsPort != 0) {
            claimEndpoint(host, metricsPort, at + ".metricsPort");
        }
        metricsPorts.add(metricsPort);
        PublicKeyRef key = publicKey(entry.publicKey(), at + ".publicKey");
        if (key.algorithm() != PublicKeyRef.Algorithm.ED25519) {
            throw invalid(at + ".publicKey", "replicas sign with Ed25519, whose signatures are deterministic; this is an "
                    + key.algorithm() + " key");
        }
        return new ReplicaInfo(id, host, replicaPort, clientPort, webPort, key);
    }

    private List<ClientInfo> clients(List<ClusterFileModel.Client> entries) throws InvalidClusterFileException {
        if (entries == null) {
            return List.of();
        }
        Map<Long, Integer> indexById = new HashMap<>();
        List<ClientInfo> clients = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            String at = "client[" + i + "]";
            long id = required(entries.get(i).id(), at + ".id");
            if (id < 0) {
                throw invalid(at + ".id", "must be >= 0, got " + id);
            }
            if (id >= SessionSettings.FIRST_DYNAMIC_CLIENT_ID) {
                throw invalid(at + ".id", "must be below " + SessionSettings.FIRST_DYNAMIC_CLIENT_ID
                        + " (ids from there on are assigned to clients that join), got " + id);
            }
            Integer earlier = indexById.putIfAbsent(id, i);
            if (earlier != null) {
                throw invalid(at + ".id", id + " is already used by client[" + earlier + "]");
            }
            clients.add(new ClientInfo(id, publicKey(entries.get(i).publicKey(), at + ".publicKey")));
        }
        return clients;
    }

    private ProtocolSettings settings(ClusterFileModel.Protocol p) throws InvalidClusterFileException {
        if (p == null) {
            return ProtocolSettings.DEFAULTS;
        }
        ProtocolSettings d = ProtocolSettings.DEFAULTS;
        try {
            return ProtocolSettings.builder()
                    .checkpointInterval(or(p.checkpointInterval(), d.checkpointInterval()))
                    .logSize(or(p.logSize(), d.logSize()))
                    .batchRequestsMax(or(p.batchRequestsMax(), d.batchRequestsMax()))
                    .batchBytesMax(or(p.batchBytesMax(), d.batchBytesMax()))
                    .inFlightBatchesMax(or(p.inFlightBatchesMax(), d.inFlightBatchesMax()))
                    .pipelineBatchMin(or(p.pipelineBatchMin(), d.pipelineBatchMin()))
                    .requestBytesMax(or(p.requestBytesMax(), d.requestBytesMax()))
                    .pendingRequestsMax(or(p.pendingRequestsMax(), d.pendingRequestsMax()))
                    .requestsPerClientMax(or(p.requestsPerClientMax(), d.requestsPerClientMax()))
                    .statusIntervalMillis(or(p.statusIntervalMillis(), d.statusIntervalMillis()))
                    .idleStatusIntervalMillis(or(p.idleStatusIntervalMillis(), d.idleStatusIntervalMillis()))
                    .requestFetchDelayMillis(or(p.requestFetchDelayMillis(), d.requestFetchDelayMillis()))
                    .clockSkewMaxMillis(or(p.clockSkewMaxMillis(), d.clockSkewMaxMillis()))
                    .retransmitBatchesMax(or(p.retransmitBatchesMax(), d.retransmitBatchesMax()))
                    .requestTimeoutMillis(or(p.requestTimeoutMillis(), d.requestTimeoutMillis()))
                    .stateChunkBytes(or(p.stateChunkBytes(), d.stateChunkBytes()))
                    .stateFetchChunksMax(or(p.stateFetchChunksMax(), d.stateFetchChunksMax()))
                    .sessions(sessions(p, d.sessions()))
                    .build();
        } catch (IllegalArgumentException e) {
            throw settingProblem(e.getMessage());
        }
    }

    private SessionSettings sessions(ClusterFileModel.Protocol p, SessionSettings d)
            throws InvalidClusterFileException {
        try {
            return new SessionSettings(or(p.sessionsMax(), d.capacity()),
                    or(p.sessionIdleMillis(), d.idleMillisBeforeEviction()), d.challengeLifetimeMillis(),
                    d.challengeLifetimeMaxMillis());
        } catch (IllegalArgumentException e) {
            throw invalid(p.sessionsMax() != null && (p.sessionsMax() <= 0 || p.sessionsMax() > SessionSettings.CAPACITY_MAX)
                    ? "protocol.sessionsMax" : "protocol.sessionIdleMillis", e.getMessage());
        }
    }

    /** ProtocolSettings names the setting first ("logSize must be ..."); report it as protocol.logSize. */
    private InvalidClusterFileException settingProblem(String message) {
        int space = message.indexOf(' ');
        String name = space < 0 ? "" : message.substring(0, space);
        return SETTING_NAMES.contains(name)
                ? invalid("protocol." + name, message.substring(space + 1))
                : invalid("protocol", message);
    }

    private PublicKeyRef publicKey(String base64, String field) throws InvalidClusterFileException {
        PublicKeyRef key;
        try {
            key = PublicKeys.fromBase64(required(base64, field));
        } catch (InvalidKeyException e) {
            throw invalid(field, e.getMessage() + " (expected the base64 of an X.509 SubjectPublicKeyInfo)");
        }
        String owner = keyOwners.putIfAbsent(key, field);
        if (owner != null) {
            throw invalid(field, "the same key as " + owner + "; every replica and client needs its own key");
        }
        return key;
    }

    private int port(int port, String field) throws InvalidClusterFileException {
        if (port < 1 || port > PORT_MAX) {
            throw invalid(field, "must be in 1.." + PORT_MAX + ", got " + port);
        }
        return port;
    }

    /** A port that may be left out or 0, which means {@code zeroMeans}. */
    private int optionalPort(Integer port, String field, String zeroMeans) throws InvalidClusterFileException {
        if (port != null && (port < 0 || port > PORT_MAX)) {
            throw invalid(field, "must be 0 (" + zeroMeans + ") or in 1.." + PORT_MAX + ", got " + port);
        }
        return port == null ? 0 : port;
    }

    /** The metricsPort of each replica by id, 0 where the file gives none; call after {@link #toConfig}. */
    List<Integer> metricsPorts() {
        return List.copyOf(metricsPorts);
    }

    private void claimEndpoint(String host, int port, String field) throws InvalidClusterFileException {
        String endpoint = host.toLowerCase(Locale.ROOT) + ":" + port;
        String owner = endpointOwners.putIfAbsent(endpoint, field);
        if (owner != null) {
            throw invalid(field, host + ":" + port + " is already " + owner);
        }
    }

    /** The cluster CA of {@code [tls] ca}, or {@code null} when the file names none. */
    X509Certificate ca(ClusterFileModel.Tls tls) throws InvalidClusterFileException {
        if (tls == null || tls.ca() == null) {
            return null;
        }
        X509Certificate ca;
        try {
            byte[] der = Base64.getDecoder().decode(tls.ca().strip());
            ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (IllegalArgumentException | CertificateException | ClassCastException e) {
            throw invalid("tls.ca", "is not the base64 of a DER X.509 certificate (" + e.getMessage() + ")");
        }
        if (ca.getBasicConstraints() < 0) {
            throw invalid("tls.ca", "the certificate of " + ca.getSubjectX500Principal() + " is not a CA certificate");
        }
        return ca;
    }

    private <T> T required(T value, String field) throws InvalidClusterFileException {
        if (value == null) {
            throw invalid(field, "missing");
        }
        return value;
    }

    private static <T> T or(T value, T fallback) {
        return value == null ? fallback : value;
    }

    private InvalidClusterFileException invalid(String field, String problem) {
        return new InvalidClusterFileException(file, field, problem);
    }
}
