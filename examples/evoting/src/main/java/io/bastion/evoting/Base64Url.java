package io.bastion.evoting;

import java.util.Base64;

/**
 * Base64url without padding (RFC 4648 §5), as every binary field of the service's JSON is written:
 * credentials, signatures, keys. Decoding is strict: only the canonical encoding of some bytes is
 * accepted (no padding, no line breaks, no nonzero unused bits), so each value has one spelling.
 */
final class Base64Url {
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private Base64Url() {}

    static String encode(byte[] bytes) {
        return ENCODER.encodeToString(bytes);
    }

    /** The bytes {@code text} encodes, exactly {@code length} of them; null if it is not that. */
    static byte[] decode(String text, int length) {
        if (text.length() != (length * 4 + 2) / 3) {
            return null;
        }
        byte[] bytes;
        try {
            bytes = DECODER.decode(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
        return bytes.length == length && ENCODER.encodeToString(bytes).equals(text) ? bytes : null;
    }
}
