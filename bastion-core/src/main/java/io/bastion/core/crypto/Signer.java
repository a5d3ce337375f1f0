package io.bastion.core.crypto;

/**
 * Signs messages with one private key. Implementations must be deterministic (Ed25519 is) so that
 * the core stays a function of its inputs, and thread-safe.
 */
public interface Signer {
    byte[] sign(byte[] message);
}
