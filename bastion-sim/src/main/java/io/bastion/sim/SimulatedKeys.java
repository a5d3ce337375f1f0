package io.bastion.sim;

import io.bastion.core.crypto.Digest;
import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.crypto.SignatureVerifier;
import io.bastion.core.crypto.Signer;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Cheap stand-in signatures for the simulator: a keyed SHA-256 whose key follows from the public
 * key. Anyone who knows the scheme can forge it, so it only ever runs inside the simulator, where
 * Byzantine behaviour is modelled explicitly; the real thing is Ed25519 in bastion-crypto.
 */
public final class SimulatedKeys {
    private SimulatedKeys() {}

    /** The public key of simulated principal {@code id} (replicas and clients use distinct ids). */
    public static PublicKeyRef publicKey(long id) {
        return new PublicKeyRef(PublicKeyRef.Algorithm.SIMULATED, ByteBuffer.allocate(8).putLong(id).array());
    }

    public static Signer signer(long id) {
        byte[] raw = publicKey(id).raw();
        return message -> mac(raw, message, 0, message.length);
    }

    public static final SignatureVerifier VERIFIER = new SignatureVerifier() {
        @Override
        public boolean verify(PublicKeyRef key, byte[] message, byte[] signature) {
            return key.algorithm() == PublicKeyRef.Algorithm.SIMULATED
                    && Arrays.equals(mac(key.rawUnsafe(), message, 0, message.length), signature);
        }
    };

    private static byte[] mac(byte[] key, byte[] message, int offset, int length) {
        MessageDigest md = Digest.newSha256();
        md.update("bastion-sim".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        md.update(key);
        md.update(message, offset, length);
        return md.digest();
    }
}
