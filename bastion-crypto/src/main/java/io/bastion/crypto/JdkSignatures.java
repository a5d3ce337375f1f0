package io.bastion.crypto;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;

/** Verification with the JDK provider that answers {@code false} instead of throwing. Thread-safe. */
final class JdkSignatures {
    private JdkSignatures() {}

    static boolean verify(String algorithm, PublicKey key, byte[] message, int offset, int length, byte[] signature) {
        try {
            // getInstance per call: cheap next to the verification itself, and Signature objects are not thread-safe.
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(key);
            verifier.update(message, offset, length);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            // Providers report malformed signatures and keys with checked and unchecked exceptions alike.
            return false;
        }
    }

    /** Whether the arguments could describe a signature at all; checked before any parsing. */
    static boolean wellFormed(Object key, byte[] message, int offset, int length, byte[] signature) {
        return key != null && message != null && signature != null
                && offset >= 0 && length >= 0 && offset <= message.length - length;
    }
}
