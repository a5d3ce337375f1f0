package io.bastion.net.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * The key manager both TLS engines ask for the key and chain to present, at every handshake:
 * whatever its {@link KeyMaterialSource} holds at that moment, on either side of a connection.
 * Thread-safe.
 */
final class MaterialKeyManager extends X509ExtendedKeyManager {
    private final KeyMaterialSource source;

    MaterialKeyManager(KeyMaterialSource source) {
        this.source = source;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return aliasFor(keyType);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return aliasFor(keyTypes);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return aliasFor(keyType);
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return aliasFor(keyTypes);
    }

    /** The current alias when its key is of one of {@code keyTypes} (the engine tries one type after another). */
    private String aliasFor(String... keyTypes) {
        KeyMaterial material = source.current();
        String algorithm = material.key().getAlgorithm();
        for (String keyType : keyTypes) {
            if (keyType == null || keyType.equals(algorithm) || keyType.equals(algorithm + "_" + algorithm)
                    || (keyType.equals("EC") && algorithm.equals("ECDSA"))) {
                return material.alias();
            }
        }
        return null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return new String[] {source.current().alias()};
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return new String[] {source.current().alias()};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        KeyMaterial material = source.byAlias(alias);
        return material == null ? null : material.chain().clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        KeyMaterial material = source.byAlias(alias);
        return material == null ? null : material.key();
    }
}
