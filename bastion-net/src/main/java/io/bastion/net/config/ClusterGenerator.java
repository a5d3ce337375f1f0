package io.bastion.net.config;

import io.bastion.core.config.ClientInfo;
import io.bastion.core.config.ClusterConfig;
import io.bastion.core.config.ProtocolSettings;
import io.bastion.core.config.ReplicaInfo;
import io.bastion.core.util.Check;
import io.bastion.crypto.Ed25519SigningKey;
import io.bastion.crypto.KeyFiles;
import io.bastion.crypto.SigningKey;
import io.bastion.net.tls.CertificateAuthority;
import io.bastion.net.tls.CertificateFiles;
import io.bastion.net.tls.KeyMaterial;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Creates a cluster on this machine: an Ed25519 key for each of n replicas and C static clients,
 * a cluster certificate authority with a web certificate per replica, and the cluster file naming
 * them, with f = (n-1)/3 and default protocol settings. Replicas listen on 127.0.0.1 (or on the
 * hosts given) with consecutive ports from a base port: replica i takes {@code base+i} for replicas,
 * {@code base+n+i} for clients and {@code base+2n+i} for the web. Writes into one directory
 * {@value #CLUSTER_FILE_NAME}, {@code replica-<i>.key} and {@code client-<id>.key} (PEM private
 * keys), {@value #CA_CERTIFICATE_FILE_NAME} and {@value #CA_KEY_FILE_NAME} (the CA), and
 * {@code replica-<i>-web.crt} and {@code replica-<i>-web.key} (the chain and key replica i's web
 * and metrics ports present, naming its host); private keys are owner-only. Never overwrites a
 * file, except {@link #renewWebCertificates}, which replaces web certificates in place. Stateless
 * and thread-safe.
 */
public final class ClusterGenerator {
    public static final String CLUSTER_FILE_NAME = "cluster.toml";
    public static final String CA_CERTIFICATE_FILE_NAME = "ca.crt";
    public static final String CA_KEY_FILE_NAME = "ca.key";
    public static final String HOST = "127.0.0.1";
    /** Static clients get ids from here on. */
    public static final long FIRST_CLIENT_ID = 1;
    /** Most replicas and most clients one call generates. */
    public static final int REPLICAS_MAX = 1_000;
    public static final int CLIENTS_MAX = 10_000;
    private static final int PORTS_PER_REPLICA = 3;

    /** What was generated: the cluster as written, and where each file is. */
    public record Generated(ClusterConfig config, Path clusterFile, List<Path> replicaKeyFiles, Map<Long, Path> clientKeyFiles) {}

    private ClusterGenerator() {}

    /**
     * Generates keys and a cluster file for {@code replicas} replicas and {@code clients} static
     * clients in {@code directory} (created if missing). Fails before writing anything if one of
     * the files exists.
     */
    public static Generated generate(Path directory, int replicas, int clients, int basePort, SecureRandom random)
            throws IOException {
        return generate(directory, replicas, clients, basePort, id -> HOST, random);
    }

    /**
     * As above, with replica i listed under {@code hosts.apply(i)} (a name or an address) instead
     * of {@value #HOST}; its web certificate names that host.
     */
    public static Generated generate(Path directory, int replicas, int clients, int basePort, IntFunction<String> hosts,
                                     SecureRandom random) throws IOException {
        checkArguments(replicas, clients, basePort);
        Files.createDirectories(directory);
        Path clusterFile = directory.resolve(CLUSTER_FILE_NAME);
        List<Path> replicaKeyFiles = new ArrayList<>();
        for (int id = 0; id < replicas; id++) {
            replicaKeyFiles.add(directory.resolve(replicaKeyFileName(id)));
        }
        Map<Long, Path> clientKeyFiles = new LinkedHashMap<>();
        for (long id = FIRST_CLIENT_ID; id < FIRST_CLIENT_ID + clients; id++) {
            clientKeyFiles.put(id, directory.resolve(clientKeyFileName(id)));
        }
        List<Path> tlsFiles = new ArrayList<>(List.of(directory.resolve(CA_CERTIFICATE_FILE_NAME),
                directory.resolve(CA_KEY_FILE_NAME)));
        for (int id = 0; id < replicas; id++) {
            tlsFiles.add(directory.resolve(webCertificateFileName(id)));
            tlsFiles.add(directory.resolve(webKeyFileName(id)));
        }
        refuseExisting(clusterFile, replicaKeyFiles, clientKeyFiles.values());
        refuseExisting(clusterFile, tlsFiles, List.of());

        List<ReplicaInfo> replicaInfos = new ArrayList<>();
        for (int id = 0; id < replicas; id++) {
            SigningKey key = newKey(replicaKeyFiles.get(id), random);
            replicaInfos.add(new ReplicaInfo(id, hosts.apply(id), basePort + id, basePort + replicas + id,
                    basePort + 2 * replicas + id, key.publicKey()));
        }
        List<ClientInfo> clientInfos = new ArrayList<>();
        for (Map.Entry<Long, Path> client : clientKeyFiles.entrySet()) {
            clientInfos.add(new ClientInfo(client.getKey(), newKey(client.getValue(), random).publicKey()));
        }
        ClusterConfig config = new ClusterConfig((replicas - 1) / 3, replicaInfos, clientInfos, ProtocolSettings.DEFAULTS);
        CertificateAuthority ca = CertificateAuthority.generate("Bastion cluster CA " + hosts.apply(0) + ":" + basePort,
                random);
        CertificateFiles.writeChain(directory.resolve(CA_CERTIFICATE_FILE_NAME), List.of(ca.certificate()));
        CertificateFiles.writePrivateKey(directory.resolve(CA_KEY_FILE_NAME), ca.key());
        for (ReplicaInfo replica : replicaInfos) {
            KeyMaterial web = issueWeb(ca, replica, random);
            CertificateFiles.writeChain(directory.resolve(webCertificateFileName(replica.id())), List.of(web.chain()));
            CertificateFiles.writePrivateKey(directory.resolve(webKeyFileName(replica.id())), web.key());
        }
        ClusterFile.write(new ClusterFile.Contents(config, ca.certificate()), clusterFile);
        return new Generated(config, clusterFile, List.copyOf(replicaKeyFiles),
                Collections.unmodifiableMap(clientKeyFiles));
    }

    /**
     * Issues every replica of the cluster file in {@code directory} a new web certificate from the
     * cluster CA there, naming the hosts the cluster file now gives, and replaces the old
     * certificate and key files in one step each: running replicas serve the new ones to new
     * connections within a second. Returns the certificate files written.
     */
    public static List<Path> renewWebCertificates(Path directory, SecureRandom random)
            throws IOException, InvalidClusterFileException {
        ClusterConfig config = ClusterFile.load(directory.resolve(CLUSTER_FILE_NAME));
        CertificateAuthority ca = CertificateAuthority.load(directory.resolve(CA_CERTIFICATE_FILE_NAME),
                directory.resolve(CA_KEY_FILE_NAME));
        List<Path> written = new ArrayList<>();
        for (ReplicaInfo replica : config.replicas()) {
            KeyMaterial web = issueWeb(ca, replica, random);
            Path chain = directory.resolve(webCertificateFileName(replica.id()));
            // key first: a replica that reads the new key with the old chain keeps what it serves until both match
            CertificateFiles.replace(directory.resolve(webKeyFileName(replica.id())), CertificateFiles.pem(web.key()), true);
            CertificateFiles.replace(chain, CertificateFiles.pem(List.of(web.chain())), false);
            written.add(chain);
        }
        return written;
    }

    private static KeyMaterial issueWeb(CertificateAuthority ca, ReplicaInfo replica, SecureRandom random) {
        return ca.issueServer("bastion replica " + replica.id() + " web", List.of(replica.host()), random);
    }

    /** The chain replica {@code id}'s web (and metrics) port presents: its certificate, then the CA's. */
    public static String webCertificateFileName(int id) {
        return "replica-" + id + "-web.crt";
    }

    /** The private key of {@link #webCertificateFileName}. */
    public static String webKeyFileName(int id) {
        return "replica-" + id + "-web.key";
    }

    public static String replicaKeyFileName(int id) {
        return "replica-" + id + ".key";
    }

    public static String clientKeyFileName(long id) {
        return "client-" + id + ".key";
    }

    private static void checkArguments(int replicas, int clients, int basePort) {
        Check.argument(replicas >= 1 && replicas <= REPLICAS_MAX, "replicas must be in 1.." + REPLICAS_MAX + ", got " + replicas);
        Check.argument(clients >= 0 && clients <= CLIENTS_MAX, "clients must be in 0.." + CLIENTS_MAX + ", got " + clients);
        int lastPort = basePort + PORTS_PER_REPLICA * replicas - 1;
        Check.argument(basePort >= 1 && lastPort <= 65_535,
                "ports " + basePort + ".." + lastPort + " do not fit in 1..65535; choose a lower base port");
    }

    private static void refuseExisting(Path clusterFile, List<Path> replicaKeys, Iterable<Path> clientKeys) throws IOException {
        List<Path> all = new ArrayList<>(replicaKeys);
        all.add(clusterFile);
        clientKeys.forEach(all::add);
        for (Path file : all) {
            if (Files.exists(file)) {
                throw new FileAlreadyExistsException(file.toString(), null, "refusing to overwrite an existing cluster");
            }
        }
    }

    private static SigningKey newKey(Path file, SecureRandom random) throws IOException {
        SigningKey key = Ed25519SigningKey.generate(random);
        KeyFiles.writePrivateKey(file, key);
        return key;
    }
}
