package io.bastion.evoting.ballot;

import io.bastion.crypto.P256Signatures;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;

/**
 * A voter's credential: the ECDSA P-256 public key a ballot is signed with, as the 65-byte
 * uncompressed SEC1 point {@code 0x04 ‖ x ‖ y} that WebCrypto's {@code exportKey('raw')} gives.
 * Signatures are ECDSA with SHA-256, 64 bytes {@code r ‖ s} (IEEE P1363, WebCrypto's form), checked
 * with BouncyCastle ({@link P256Signatures}, the replicas' verifier of P-256 requests too). Immutable and
 * thread-safe.
 */
public final class Credential {
    public static final int BYTES = 65;
    public static final int SIGNATURE_BYTES = 64;
    private static final X9ECParameters P256 = CustomNamedCurves.getByName("secp256r1");
    private static final int COORDINATE_BYTES = 32;

    private final byte[] raw;
    private final ECPublicKeyParameters key;

    private Credential(byte[] raw, ECPublicKeyParameters key) {
        this.raw = raw;
        this.key = key;
    }

    /**
     * The credential {@code raw} encodes; throws {@link IllegalArgumentException} saying why when it is
     * not a 65-byte uncompressed point of P-256 (the messages are those of docs/ballots.md, without
     * the field name).
     */
    public static Credential decode(byte[] raw) {
        if (raw.length != BYTES) {
            throw new IllegalArgumentException("must be " + BYTES + " bytes, not " + raw.length);
        }
        if (raw[0] != 0x04) {
            throw new IllegalArgumentException("not an uncompressed point (first byte 0x04)");
        }
        ECPublicKeyParameters key;
        try {
            key = P256Signatures.publicKey(raw); // checks x, y < p and the curve equation (cofactor 1)
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a point on P-256", e);
        }
        return new Credential(raw.clone(), key);
    }

    /** The credential of a JDK EC public key on P-256 (a key pair made with {@code KeyPairGenerator "EC"}). */
    public static Credential of(PublicKey publicKey) {
        if (!(publicKey instanceof ECPublicKey ec) || !ec.getParams().getOrder().equals(P256.getN())) {
            throw new IllegalArgumentException("a credential is an EC public key on P-256");
        }
        byte[] raw = new byte[BYTES];
        raw[0] = 0x04;
        System.arraycopy(Encoding.unsigned(ec.getW().getAffineX(), COORDINATE_BYTES), 0, raw, 1, COORDINATE_BYTES);
        System.arraycopy(Encoding.unsigned(ec.getW().getAffineY(), COORDINATE_BYTES), 0, raw, 1 + COORDINATE_BYTES,
                COORDINATE_BYTES);
        return decode(raw);
    }

    /** The 65 bytes. */
    public byte[] bytes() {
        return raw.clone();
    }

    /** Whether {@code signature} (64 bytes r ‖ s) is this credential's ECDSA-SHA-256 signature of {@code message}. */
    public boolean verifies(byte[] message, byte[] signature) {
        return P256Signatures.verify(key, message, 0, message.length, signature); // refuses r or s outside [1, n)
    }

    static byte[] sha256(byte[] message) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(message);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Credential c && Arrays.equals(c.raw, raw);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(raw);
    }

    @Override
    public String toString() {
        return "Credential[" + io.bastion.core.util.Hex.of(raw) + "]";
    }
}
