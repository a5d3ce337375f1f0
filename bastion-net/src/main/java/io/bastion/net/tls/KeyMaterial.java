package io.bastion.net.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * A private key and its certificate chain (leaf first) as a TLS end presents them, under an alias
 * that changes whenever the material does (the OpenSSL engine caches material by alias).
 * Immutable; the arrays are not to be modified.
 */
public record KeyMaterial(String alias, PrivateKey key, X509Certificate[] chain) {
    public KeyMaterial {
        if (chain.length == 0) {
            throw new IllegalArgumentException("a certificate chain has at least the leaf");
        }
    }

    public X509Certificate leaf() {
        return chain[0];
    }
}
