package io.bastion.threshold;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.math.BigInteger;
import java.security.GeneralSecurityException;

/**
 * Encryption of one secret share to one replica: ECIES on P-256 (the dealer's ephemeral
 * {@code R = g^r}, the shared point {@code K = pk^r = R^sk}, HKDF-SHA-256, AES-256-GCM). A share
 * key is used once, so the GCM nonce is fixed. The context (key name, epoch, dealer, recipient) is
 * both in the key derivation and the associated data, so a box cannot be moved to another slot.
 *
 * <p>What makes this verifiable without trusting the recipient: a recipient that finds its share
 * wrong reveals {@code K} with a {@link DleqProof} that {@code log_g(pk) = log_R(K)}; everyone can
 * then open the box and check the share against the dealer's commitments, deterministically.
 */
public final class ShareBox {
    public static final Group GROUP = P256Group.INSTANCE;
    private static final int TAG_BITS = 128;
    private static final byte[] NONCE = new byte[12];

    private ShareBox() {}

    /** The AES-GCM box of {@code share} under shared point {@code k}. */
    public static byte[] seal(Element k, Element ephemeral, byte[] context, byte[] share) {
        return crypt(Cipher.ENCRYPT_MODE, k, ephemeral, context, share);
    }

    /** The share in a box, or {@code null} when the box does not open (wrong key, tampered). */
    public static byte[] open(Element k, Element ephemeral, byte[] context, byte[] box) {
        try {
            return crypt(Cipher.DECRYPT_MODE, k, ephemeral, context, box);
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof AEADBadTagException) {
                return null;
            }
            throw e;
        }
    }

    private static byte[] crypt(int mode, Element k, Element ephemeral, byte[] context, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, new SecretKeySpec(key(k, ephemeral, context), "AES"), new GCMParameterSpec(TAG_BITS, NONCE));
            cipher.updateAAD(context);
            return cipher.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] key(Element k, Element ephemeral, byte[] context) {
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        byte[] ikm = concat(k.encode(), ephemeral.encode());
        hkdf.init(new HKDFParameters(ikm, "bastion-threshold-share-box-v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII), context));
        byte[] key = new byte[32];
        hkdf.generateBytes(key, 0, key.length);
        return key;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** A scalar of {@code group} as box plaintext. */
    static byte[] plaintext(Group group, BigInteger share) {
        return group.encodeScalar(share);
    }
}
