package io.bastion.threshold;

import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.hash2curve.OPRFHashToScalar;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * A FROST ciphersuite of RFC 9591 section 6: the prime-order group and the hash functions H1..H5
 * built from its hash and context string. Two suites: FROST(Ed25519, SHA-512), whose signatures
 * any RFC 8032 verifier accepts, and FROST(P-256, SHA-256). Stateless and thread-safe.
 */
public enum FrostSuite {
    /** FROST(Ed25519, SHA-512), RFC 9591 section 6.1. */
    ED25519_SHA512("FROST-ED25519-SHA512-v1", Ed25519Group.INSTANCE) {
        @Override
        BigInteger hashToScalar(String label, byte[] message) {
            return wideReduce(hash(contextAnd(label), message));
        }

        /** SHA-512 without the context string, as RFC 8032 computes the challenge: Ed25519 verifiers accept the result. */
        @Override
        BigInteger h2(byte[] message) {
            return wideReduce(hash(message));
        }

        @Override
        Digest digest() {
            return new SHA512Digest();
        }

        /** The 64-byte digest as a little-endian integer, reduced modulo the group order. */
        private BigInteger wideReduce(byte[] digest) {
            return group().reduce(Bytes.littleEndian(digest));
        }
    },

    /** FROST(P-256, SHA-256), RFC 9591 section 6.4; scalars by RFC 9380 hash_to_field with expand_message_xmd. */
    P256_SHA256("FROST-P256-SHA256-v1", P256Group.INSTANCE) {
        /** RFC 9380's security parameter k for P-256, which makes hash_to_field read L = 48 bytes. */
        private static final int SECURITY_BITS = 128;

        @Override
        BigInteger hashToScalar(String label, byte[] message) {
            // hash_to_field(message, 1) over the scalar field: expand_message_xmd to 48 bytes, reduce mod the order.
            return new OPRFHashToScalar(group().curve(), new SHA256Digest(), SECURITY_BITS)
                    .process(message, contextAnd(label));
        }

        @Override
        BigInteger h2(byte[] message) {
            return hashToScalar("chal", message);
        }

        @Override
        Digest digest() {
            return new SHA256Digest();
        }
    };

    private final String contextString;
    private final Group group;

    FrostSuite(String contextString, Group group) {
        this.contextString = contextString;
        this.group = group;
    }

    /** The suite's contextString, which separates its hashes from every other use of them. */
    public String contextString() {
        return contextString;
    }

    public Group group() {
        return group;
    }

    /** Bytes of an encoded signature: the commitment R, then the response z. */
    public int signatureBytes() {
        return group.elementBytes() + group.scalarBytes();
    }

    /** H1, for binding factors. */
    final BigInteger h1(byte[] message) {
        return hashToScalar("rho", message);
    }

    /** H2, for the signature challenge. */
    abstract BigInteger h2(byte[] message);

    /** H3, for nonces. */
    final BigInteger h3(byte[] message) {
        return hashToScalar("nonce", message);
    }

    /** H4, which hashes the message to a fixed length for the binding factors. */
    final byte[] h4(byte[] message) {
        return hash(contextAnd("msg"), message);
    }

    /** H5, which hashes the encoded commitment list to a fixed length for the binding factors. */
    final byte[] h5(byte[] encodedCommitmentList) {
        return hash(contextAnd("com"), encodedCommitmentList);
    }

    /** The suite's hash to a scalar, domain-separated by contextString || label. */
    abstract BigInteger hashToScalar(String label, byte[] message);

    /** A fresh instance of the suite's hash function. */
    abstract Digest digest();

    final byte[] contextAnd(String label) {
        return (contextString + label).getBytes(StandardCharsets.US_ASCII);
    }

    /** The suite's hash of the concatenated parts. */
    final byte[] hash(byte[]... parts) {
        Digest digest = digest();
        for (byte[] part : parts) {
            digest.update(part, 0, part.length);
        }
        byte[] out = new byte[digest.getDigestSize()];
        digest.doFinal(out, 0);
        return out;
    }
}
