package io.bastion.core.crypto;

import io.bastion.core.util.Check;
import io.bastion.core.util.Hex;

import java.util.Arrays;

/**
 * A public key as the protocol sees it: an algorithm and its raw encoding. Parsing standard
 * files (PEM, X.509) lives in bastion-crypto; the core only compares and passes these around.
 */
public final class PublicKeyRef {
    /** Signature algorithms Bastion accepts. */
    public enum Algorithm {
        ED25519(32, 64),
        /** Uncompressed SEC1 point (0x04 || x || y); signatures in IEEE P1363 form (r || s), as WebCrypto makes them. */
        ECDSA_P256(65, 64),
        /** Test-only keyed hash used by the simulator; never accepted from a cluster file. */
        SIMULATED(8, 32);

        public final int keyBytes;
        public final int signatureBytes;

        Algorithm(int keyBytes, int signatureBytes) {
            this.keyBytes = keyBytes;
            this.signatureBytes = signatureBytes;
        }
    }

    private final Algorithm algorithm;
    private final byte[] raw;

    public PublicKeyRef(Algorithm algorithm, byte[] raw) {
        Check.argument(raw.length == algorithm.keyBytes,
                algorithm + " public key must have " + algorithm.keyBytes + " bytes, got " + raw.length);
        this.algorithm = algorithm;
        this.raw = raw.clone();
    }

    public Algorithm algorithm() {
        return algorithm;
    }

    public byte[] raw() {
        return raw.clone();
    }

    /** Raw bytes without copying; callers must not modify them. */
    public byte[] rawUnsafe() {
        return raw;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PublicKeyRef k && k.algorithm == algorithm && Arrays.equals(k.raw, raw);
    }

    @Override
    public int hashCode() {
        return algorithm.hashCode() * 31 + Arrays.hashCode(raw);
    }

    @Override
    public String toString() {
        return algorithm + ":" + Hex.of(raw);
    }
}
