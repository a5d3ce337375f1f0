package io.bastion.net.testing;

import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.crypto.Signer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;

/**
 * Test-only signer for {@link PublicKeyRef.Algorithm#SIMULATED} keys: HMAC-SHA256 under the 8-byte
 * "public" key. Anyone who knows the key can sign, which is fine for transport tests (a replica
 * with the wrong key is one with a different 8 bytes). Thread-safe.
 */
public final class HmacSigner implements Signer {
    private final byte[] key;

    public HmacSigner(byte[] key) {
        this.key = key.clone();
    }

    public PublicKeyRef publicKey() {
        return new PublicKeyRef(PublicKeyRef.Algorithm.SIMULATED, key);
    }

    @Override
    public byte[] sign(byte[] message) {
        return hmac(key, message);
    }

    static byte[] hmac(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK provides HmacSHA256", e);
        }
    }
}
