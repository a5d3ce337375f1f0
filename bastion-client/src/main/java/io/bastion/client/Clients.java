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

import java.nio.file.Path;

/** Connecting a single client with the least ceremony. For many clients use {@link ClientGroup}. */
public final class Clients {
    private Clients() {}

    /** A client over TCP with its own event loops (closed with the client). */
    public static BastionClient connect(ClusterConfig config, long clientId, Signer key, ClientOptions options) {
        return BastionClient.connect(config, clientId, key, new StandardSignatureVerifier(),
                new NettyClientTransport(config, NetSettings.DEFAULTS, null), options);
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
        return BastionClient.connectDynamic(config, key, publicKey, new StandardSignatureVerifier(),
                new NettyClientTransport(config, NetSettings.DEFAULTS, null), options);
    }

    /** Reads the cluster file and the client's private key file, then connects. */
    public static BastionClient connect(Path clusterFile, Path keyFile, long clientId)
            throws InvalidClusterFileException, KeyFileException {
        return connect(ClusterFile.load(clusterFile), clientId, KeyFiles.readPrivateKey(keyFile));
    }
}
