package io.bastion.net.config;

import io.bastion.core.config.ClientInfo;
import io.bastion.core.config.ClusterConfig;
import io.bastion.core.config.ProtocolSettings;
import io.bastion.core.config.ReplicaInfo;
import io.bastion.crypto.PublicKeys;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Writes a {@link ClusterConfig} as the cluster file, commented so that an operator can edit it
 * without the documentation at hand:
 * <pre>
 * f = 1
 * [protocol]            # every setting optional, defaults = ProtocolSettings.DEFAULTS
 * checkpointInterval = 128
 * [tls]                 # optional
 * ca = "MIIB..."        # base64 DER of the cluster CA's certificate
 * [[replica]]           # one per replica, ids 0..n-1 in order
 * id = 0
 * host = "127.0.0.1"
 * replicaPort = 7000
 * clientPort = 7100
 * webPort = 7200        # optional, 0 = none
 * metricsPort = 9400    # optional, 0 = none
 * publicKey = "MCowBQYDK2VwAyEA..."   # base64 X.509 SubjectPublicKeyInfo
 * [[client]]            # optional: statically known clients
 * id = 1
 * publicKey = "..."
 * </pre>
 * Stateless and thread-safe.
 */
final class ClusterFileWriter {
    private static final int COMMENT_COLUMN = 34;

    /** One protocol setting: its name in the file, how to read it, and what it means. */
    private record Setting(String name, ToLongFunction<ProtocolSettings> value, String meaning) {}

    private static final List<Setting> SETTINGS = List.of(
            new Setting("checkpointInterval", ProtocolSettings::checkpointInterval, "K: a checkpoint every K sequence numbers"),
            new Setting("logSize", ProtocolSettings::logSize, "sequence numbers accepted above the stable checkpoint; a multiple of K, >= 2K"),
            new Setting("batchRequestsMax", ProtocolSettings::batchRequestsMax, "most requests in one batch"),
            new Setting("batchBytesMax", ProtocolSettings::batchBytesMax, "most request bytes in one batch"),
            new Setting("inFlightBatchesMax", ProtocolSettings::inFlightBatchesMax, "batches proposed but not yet committed (the pipeline)"),
            new Setting("pipelineBatchMin", ProtocolSettings::pipelineBatchMin, "requests a batch needs while another is in flight or two await execution"),
            new Setting("requestBytesMax", ProtocolSettings::requestBytesMax, "largest client operation accepted, in bytes"),
            new Setting("pendingRequestsMax", ProtocolSettings::pendingRequestsMax, "request bodies a replica holds before they are ordered"),
            new Setting("requestsPerClientMax", ProtocolSettings::requestsPerClientMax, "request bodies held per client"),
            new Setting("statusIntervalMillis", ProtocolSettings::statusIntervalMillis, "without progress this long, ask peers to retransmit"),
            new Setting("idleStatusIntervalMillis", ProtocolSettings::idleStatusIntervalMillis, "report status this often even when idle"),
            new Setting("requestFetchDelayMillis", ProtocolSettings::requestFetchDelayMillis, "wait this long for an ordered request body before fetching it"),
            new Setting("clockSkewMaxMillis", ProtocolSettings::clockSkewMaxMillis, "how far a proposed batch time may be from a backup's clock"),
            new Setting("retransmitBatchesMax", ProtocolSettings::retransmitBatchesMax, "most sequence numbers retransmitted for one status"),
            new Setting("requestTimeoutMillis", ProtocolSettings::requestTimeoutMillis, "a request pending this long makes backups change the view (doubles per attempt)"),
            new Setting("stateChunkBytes", ProtocolSettings::stateChunkBytes, "chunk size of state digests and transfer; the same on every replica"),
            new Setting("stateFetchChunksMax", ProtocolSettings::stateFetchChunksMax, "chunks asked for in one state-transfer request"),
            new Setting("sessionsMax", s -> s.sessions().capacity(), "live sessions of dynamic clients at most"),
            new Setting("sessionIdleMillis", s -> s.sessions().idleMillisBeforeEviction(), "a session idle this long (agreed time) may be evicted when the table is full"));

    private ClusterFileWriter() {}

    static String format(ClusterFile.Contents contents) {
        ClusterConfig config = contents.config();
        X509Certificate ca = contents.ca();
        StringBuilder out = new StringBuilder();
        out.append("""
                # Bastion cluster file.
                #
                # Every replica and client of the cluster reads this same file. f is the number of faulty
                # replicas tolerated; the file lists at least 3f+1 replicas, with ids 0..n-1 in order.
                # Public keys are base64 X.509 SubjectPublicKeyInfo: the body of a PEM "PUBLIC KEY" file.
                # Replicas sign with Ed25519; clients with Ed25519 or ECDSA P-256.

                """);
        out.append("f = ").append(config.f()).append("\n\n");
        protocol(out, config.settings());
        if (ca != null) {
            tls(out, ca);
        }
        for (ReplicaInfo replica : config.replicas()) {
            replica(out, replica, contents.metricsPort(replica.id()));
        }
        if (!config.clients().isEmpty()) {
            out.append("# Clients known in advance; others join at run time.\n\n");
        }
        for (ClientInfo client : config.clients()) {
            out.append("[[client]]\n");
            out.append("id = ").append(client.id()).append('\n');
            out.append("publicKey = ").append(quoted(PublicKeys.toBase64(client.publicKey()))).append("\n\n");
        }
        return out.toString();
    }

    private static void protocol(StringBuilder out, ProtocolSettings settings) {
        out.append("# Protocol settings. Each is optional: left out, it takes its default.\n");
        out.append("[protocol]\n");
        for (Setting setting : SETTINGS) {
            long value = setting.value().applyAsLong(settings);
            long byDefault = setting.value().applyAsLong(ProtocolSettings.DEFAULTS);
            commented(out, setting.name() + " = " + value, setting.meaning() + "; default " + byDefault);
        }
        out.append('\n');
    }

    private static void tls(StringBuilder out, X509Certificate ca) {
        out.append("""
                # TLS. Every port speaks TLS 1.3. Replicas prove the keys listed below on every connection;
                # clients check them. The web ports present certificates this CA issued (ca.crt: install it
                # where browsers should trust the cluster, or give replicas a publicly trusted chain).
                [tls]
                """);
        try {
            out.append("ca = ").append(quoted(Base64.getEncoder().encodeToString(ca.getEncoded())))
                    .append("   # ").append(ca.getSubjectX500Principal().getName()).append(", base64 DER\n\n");
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("the CA certificate cannot be encoded: " + e.getMessage(), e);
        }
    }

    private static void replica(StringBuilder out, ReplicaInfo replica, int metricsPort) {
        out.append("[[replica]]\n");
        out.append("id = ").append(replica.id()).append('\n');
        out.append("host = ").append(quoted(replica.host())).append('\n');
        commented(out, "replicaPort = " + replica.replicaPort(), "messages from the other replicas");
        commented(out, "clientPort = " + replica.clientPort(), "requests from clients");
        commented(out, "webPort = " + replica.webPort(), "WebSocket clients and the web app; 0 = none");
        if (metricsPort != 0) {
            commented(out, "metricsPort = " + metricsPort, "Prometheus metrics over HTTPS (bastion status reads them)");
        }
        out.append("publicKey = ").append(quoted(PublicKeys.toBase64(replica.publicKey()))).append("\n\n");
    }

    private static void commented(StringBuilder out, String assignment, String comment) {
        out.append(assignment).append(" ".repeat(Math.max(1, COMMENT_COLUMN - assignment.length())))
                .append("# ").append(comment).append('\n');
    }

    /** A TOML basic string. */
    static String quoted(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> out.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return out.append('"').toString();
    }
}
