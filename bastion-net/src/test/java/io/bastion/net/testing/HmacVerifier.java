package io.bastion.net.testing;

import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.crypto.SignatureVerifier;

import java.security.MessageDigest;

/** Verifies {@link HmacSigner} signatures; refuses every other algorithm. Thread-safe. */
public final class HmacVerifier implements SignatureVerifier {
    public static final HmacVerifier INSTANCE = new HmacVerifier();

    @Override
    public boolean verify(PublicKeyRef key, byte[] message, byte[] signature) {
        if (key.algorithm() != PublicKeyRef.Algorithm.SIMULATED
                || signature.length != PublicKeyRef.Algorithm.SIMULATED.signatureBytes) {
            return false;
        }
        return MessageDigest.isEqual(HmacSigner.hmac(key.rawUnsafe(), message), signature);
    }
}
