package io.bastion.crypto;

import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.crypto.Signer;

/**
 * A private key that signs, together with its public key. Replicas sign with an
 * {@link Ed25519SigningKey}; clients may also use an {@link EcdsaP256SigningKey} (the key a browser
 * makes with WebCrypto).
 *
 * <p>All implementations are immutable and thread-safe. {@link #toString()} never shows the
 * private key.
 */
public sealed interface SigningKey extends Signer
        permits Ed25519SigningKey, EcdsaP256SigningKey {

    /** The public key that verifies this key's signatures. */
    PublicKeyRef publicKey();

    /** The signature over {@code message}, in the algorithm's raw form (64 bytes for both algorithms). */
    @Override
    byte[] sign(byte[] message);

    /** The private key as a PKCS#8 {@code PrivateKeyInfo}, DER-encoded: the body of a PEM "PRIVATE KEY" file. */
    byte[] toPkcs8();
}
