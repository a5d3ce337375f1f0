package io.bastion.net.config;

import io.bastion.core.config.ClientInfo;
import io.bastion.core.config.ClusterConfig;
import io.bastion.core.config.ProtocolSettings;
import io.bastion.core.config.ReplicaInfo;
import io.bastion.core.util.Check;
import io.bastion.crypto.Ed25519SigningKey;
import io.bastion.crypto.KeyFiles;
import io.bastion.crypto.SigningKey;

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

/**
 * Creates a cluster on this machine: an Ed25519 key for each of n replicas and C static clients,
 * and the cluster file naming them, with f = (n-1)/3 and default protocol settings. Replicas
 * listen on 127.0.0.1 with consecutive ports from a base port: replica i takes
 * {@code base+i} for replicas, {@code base+n+i} for clients and {@code base+2n+i} for the web.
 * Writes into one directory {@value #CLUSTER_FILE_NAME}, {@code replica-<i>.key} and
 * {@code client-<id>.key} (PEM private keys, owner-only), and never overwrites a file. Stateless
 * and thread-safe.
 */
public final class ClusterGenerator {
    public static final String CLUSTER_FILE_NAME = "cluster.toml";
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
        refuseExisting(clusterFile, replicaKeyFiles, clientKeyFiles.values());

        List<ReplicaInfo> replicaInfos = new ArrayList<>();
        for (int id = 0; id < replicas; id++) {
            SigningKey key = newKey(replicaKeyFiles.get(id), random);
            replicaInfos.add(new ReplicaInfo(id, HOST, basePort + id, basePort + replicas + id,
                    basePort + 2 * replicas + id, key.publicKey()));
        }
        List<ClientInfo> clientInfos = new ArrayList<>();
        for (Map.Entry<Long, Path> client : clientKeyFiles.entrySet()) {
            clientInfos.add(new ClientInfo(client.getKey(), newKey(client.getValue(), random).publicKey()));
        }
        ClusterConfig config = new ClusterConfig((replicas - 1) / 3, replicaInfos, clientInfos, ProtocolSettings.DEFAULTS);
        ClusterFile.write(config, clusterFile);
        return new Generated(config, clusterFile, List.copyOf(replicaKeyFiles),
                Collections.unmodifiableMap(clientKeyFiles));
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
