package io.bastion.client;

import io.bastion.core.config.ClusterConfig;
import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.crypto.Signer;
import io.bastion.crypto.KeyFileException;
import io.bastion.crypto.KeyFiles;
import io.bastion.crypto.StandardSignatureVerifier;
import io.bastion.net.NetSettings;
import io.bastion.net.config.ClusterFile;
import io.bastion.net.config.InvalidClusterFileException;
import io.bastion.net.tls.ClientSecurity;
import io.bastion.net.tls.TlsEngine;

import java.nio.file.Path;

/**
 * Connecting a single client with the least ceremony. For many clients use {@link ClientGroup}.
 * Connections run TLS and accept a replica only when it proves the key the cluster file lists for
 * it (or, for a cluster file loaded from disk, presents a certificate from the cluster CA the file
 * names, for the replica's host): the cluster file is the trust anchor, not the host's trust store.
 */
public final class Clients {
    private Clients() {}

    /** A client over TLS with its own event loops (closed with the client). */
    public static BastionClient connect(ClusterConfig config, long clientId, Signer key, ClientOptions options) {
        return connect(config, ClientSecurity.tls(config), clientId, key, options);
    }

    /** A client whose connections are secured by {@code security}, with its own event loops. */
    public static BastionClient connect(ClusterConfig config, ClientSecurity security, long clientId, Signer key,
                                        ClientOptions options) {
        return BastionClient.connect(config, clientId, key, new StandardSignatureVerifier(),
                new NettyClientTransport(config, NetSettings.DEFAULTS, security, null), options);
    }

    public static BastionClient connect(ClusterConfig config, long clientId, Signer key) {
        return connect(config, clientId, key, ClientOptions.defaults());
    }

    /**
     * A dynamic client over TCP with its own event loops: it signs with {@code key} (whose public
     * key is {@code publicKey}) and has no id until it {@linkplain BastionClient#join joins}.
     */
    public static BastionClient connectDynamic(ClusterConfig config, Signer key, PublicKeyRef publicKey,
                                               ClientOptions options) {
        return connectDynamic(config, ClientSecurity.tls(config), key, publicKey, options);
    }

    /** A dynamic client whose connections are secured by {@code security}, with its own event loops. */
    public static BastionClient connectDynamic(ClusterConfig config, ClientSecurity security, Signer key,
                                               PublicKeyRef publicKey, ClientOptions options) {
        return BastionClient.connectDynamic(config, key, publicKey, new StandardSignatureVerifier(),
                new NettyClientTransport(config, NetSettings.DEFAULTS, security, null), options);
    }

    /**
     * Reads the cluster file and the client's private key file, then connects over TLS trusting
     * the replica keys and the cluster CA the file names.
     */
    public static BastionClient connect(Path clusterFile, Path keyFile, long clientId)
            throws InvalidClusterFileException, KeyFileException {
        ClusterFile.Contents cluster = ClusterFile.loadContents(clusterFile);
        return connect(cluster.config(), ClientSecurity.tls(cluster.config(), cluster.authorities(), TlsEngine.preferred()),
                clientId, KeyFiles.readPrivateKey(keyFile), ClientOptions.defaults());
    }
}
