package io.bastion.bench.threshold;

import io.bastion.crypto.Ed25519SigningKey;

import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Duration;

/**
 * The yardstick beside the threshold figures: what one plain Ed25519 signature of a 64-byte
 * message costs on one core of this machine, measured in this process (a warm-up, then as many
 * signatures as fit in the measured time). Two implementations: the JDK's
 * {@code Signature.getInstance("Ed25519")}, and BouncyCastle's through {@link Ed25519SigningKey},
 * which Bastion's replicas and clients sign with.
 *
 * @param jdkMicros          microseconds per JDK signature
 * @param bouncyCastleMicros microseconds per BouncyCastle signature
 * @param measuredSeconds    the time measured for each, after as long a warm-up
 */
public record Ed25519SignCost(double jdkMicros, double bouncyCastleMicros, double measuredSeconds) {
    private static final int MESSAGE_BYTES = 64;

    /** Measures each implementation for {@code duration}, after warming it up as long. */
    public static Ed25519SignCost measure(Duration duration) throws GeneralSecurityException {
        byte[] message = new byte[MESSAGE_BYTES];
        new SecureRandom().nextBytes(message);
        Signature jdk = Signature.getInstance("Ed25519");
        jdk.initSign(KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate());
        Ed25519SigningKey bouncyCastle = Ed25519SigningKey.generate(new SecureRandom());
        Signer jdkSigner = () -> {
            jdk.update(message);
            return jdk.sign();
        };
        Signer bcSigner = () -> bouncyCastle.sign(message);
        microsPerSignature(jdkSigner, duration);
        double jdkMicros = microsPerSignature(jdkSigner, duration);
        microsPerSignature(bcSigner, duration);
        double bcMicros = microsPerSignature(bcSigner, duration);
        return new Ed25519SignCost(jdkMicros, bcMicros, duration.toMillis() / 1e3);
    }

    @FunctionalInterface
    private interface Signer {
        byte[] sign() throws GeneralSecurityException;
    }

    private static double microsPerSignature(Signer signer, Duration duration) throws GeneralSecurityException {
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        long count = 0;
        int sink = 0;
        long now;
        do {
            sink += signer.sign()[0];
            count++;
            now = System.nanoTime();
        } while (now < end);
        if (sink == Integer.MIN_VALUE) { // keeps the signatures alive for the JIT
            System.out.print("");
        }
        return (now - start) / 1e3 / count;
    }
}
