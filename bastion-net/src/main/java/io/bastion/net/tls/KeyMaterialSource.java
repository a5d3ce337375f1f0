package io.bastion.net.tls;

/**
 * Where a TLS end gets the key and certificate it presents, asked at every handshake: so a renewed
 * or replaced certificate is served to new connections while existing ones keep theirs.
 * Implementations are thread-safe and cheap to ask.
 */
public interface KeyMaterialSource {
    /** The material to present now. */
    KeyMaterial current();

    /** The material last returned under {@code alias}, or {@code null} if it is no longer known. */
    KeyMaterial byAlias(String alias);
}
