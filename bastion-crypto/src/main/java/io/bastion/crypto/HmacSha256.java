package io.bastion.crypto;

import io.bastion.core.util.Check;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * HMAC-SHA256 (RFC 2104) with one secret key, from the JDK provider: the authenticator of the
 * MAC mode, where two parties that share a session key authenticate messages without signatures.
 *
 * <p>Immutable and thread-safe: each call works on its own copy of a keyed {@link Mac} that is
 * itself never used, so callers pay the key setup once per key, not once per message (a provider
 * whose Mac cannot be copied gets a fresh Mac per call instead).
 */
public final class HmacSha256 {
    public static final int KEY_BYTES = 32;
    public static final int TAG_BYTES = 32;
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;
    private final Mac keyed;
    private final boolean cloneable;

    /** A MAC under {@code key} (copied); Bastion's session keys have 32 bytes. */
    public HmacSha256(byte[] key) {
        Check.argument(key.length == KEY_BYTES, "an HMAC-SHA256 key has " + KEY_BYTES + " bytes, got " + key.length);
        this.key = new SecretKeySpec(key, ALGORITHM);
        this.keyed = newMac(this.key);
        this.cloneable = isCloneable(keyed);
    }

    /** A fresh random key. */
    public static byte[] generateKey(SecureRandom random) {
        byte[] key = new byte[KEY_BYTES];
        random.nextBytes(key);
        return key;
    }

    /** The 32-byte tag of {@code data}. */
    public byte[] mac(byte[] data) {
        return mac(data, 0, data.length);
    }

    /** The 32-byte tag of {@code data[offset, offset+length)}. */
    public byte[] mac(byte[] data, int offset, int length) {
        Mac mac = copy();
        mac.update(data, offset, length);
        return mac.doFinal();
    }

    /** Whether {@code tag} is the tag of {@code data}, compared in constant time. Never throws on a bad tag. */
    public boolean verify(byte[] data, byte[] tag) {
        return tag != null && tag.length == TAG_BYTES && MessageDigest.isEqual(mac(data), tag);
    }

    private Mac copy() {
        try {
            return cloneable ? (Mac) keyed.clone() : newMac(key);
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("HMAC clone failed after succeeding once", e);
        }
    }

    private static Mac newMac(SecretKeySpec key) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("HMAC key rejected", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK provides " + ALGORITHM, e);
        }
    }

    private static boolean isCloneable(Mac mac) {
        try {
            mac.clone();
            return true;
        } catch (CloneNotSupportedException e) {
            return false;
        }
    }
}
