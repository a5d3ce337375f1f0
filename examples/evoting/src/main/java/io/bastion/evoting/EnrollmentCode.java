package io.bastion.evoting;

import io.bastion.evoting.ballot.Credential;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.generators.SCrypt;
import org.bouncycastle.math.ec.ECPoint;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.regex.Pattern;

/**
 * A voter's one-time enrollment code, and the enrollment key pair anyone holding it derives: the
 * admin hands each voter a code, registers only the key pair's public half, and the voter's device
 * proves it holds the code by signing its new credential with the private half (docs/evoting.md,
 * "Enrollment"). No replica ever sees a code or a private key.
 *
 * <p>A code is 20 characters of the RFC 4648 base32 alphabet (A–Z, 2–7: 100 bits), written in five
 * groups of four ({@code ABCD-EFGH-…}); spaces, hyphens and lower case are ignored when it is typed
 * back. The key: scrypt(code, salt = "bastion-evoting-enroll-v1:" ‖ voter id, N = 2^15, r = 8,
 * p = 1, 48 bytes) read as a big-endian integer, reduced modulo q − 1, plus one: a P-256 private
 * scalar in [1, q − 1] (bias below 2^-128). The salt makes each voter's key different for the same
 * code; scrypt makes guessing codes from a registered public key slow. Stateless and thread-safe;
 * deriving costs some 32 MiB and a tenth of a second.
 */
public final class EnrollmentCode {
    /** Characters in a code. */
    public static final int CHARS = 20;
    /** The scrypt salt's prefix; the voter id follows. */
    public static final String SALT_PREFIX = "bastion-evoting-enroll-v1:";
    public static final int SCRYPT_N = 1 << 15;
    public static final int SCRYPT_R = 8;
    public static final int SCRYPT_P = 1;
    public static final int SCRYPT_BYTES = 48;
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final Pattern CANONICAL = Pattern.compile("[A-Z2-7]{" + CHARS + "}");
    private static final int GROUP_CHARS = 4;
    private static final X9ECParameters P256 = CustomNamedCurves.getByName("secp256r1");

    private EnrollmentCode() {}

    /** A new random code, in groups ({@code ABCD-EFGH-IJKL-MNOP-QRST}). */
    public static String generate(SecureRandom random) {
        StringBuilder code = new StringBuilder(CHARS);
        for (int i = 0; i < CHARS; i++) {
            code.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return format(code.toString());
    }

    /**
     * The code as derivation reads it: without spaces and hyphens, in upper case; refuses anything
     * that is then not 20 base32 characters.
     */
    public static String normalize(String typed) {
        String code = typed.replace("-", "").replace(" ", "").toUpperCase(java.util.Locale.ROOT);
        if (!CANONICAL.matcher(code).matches()) {
            throw new IllegalArgumentException("an enrollment code is " + CHARS + " characters A-Z and 2-7 (hyphens"
                    + " and spaces aside)");
        }
        return code;
    }

    /** The code in groups of four, as it is handed out. */
    public static String format(String code) {
        String canonical = normalize(code);
        StringBuilder grouped = new StringBuilder(CHARS + CHARS / GROUP_CHARS);
        for (int i = 0; i < CHARS; i += GROUP_CHARS) {
            if (i > 0) {
                grouped.append('-');
            }
            grouped.append(canonical, i, i + GROUP_CHARS);
        }
        return grouped.toString();
    }

    /** The enrollment private scalar of {@code voterId} with {@code code}: scrypt, then mod (q − 1), plus one. */
    public static BigInteger privateScalar(String voterId, String code) {
        byte[] derived = SCrypt.generate(normalize(code).getBytes(StandardCharsets.US_ASCII),
                (SALT_PREFIX + voterId).getBytes(StandardCharsets.UTF_8), SCRYPT_N, SCRYPT_R, SCRYPT_P, SCRYPT_BYTES);
        BigInteger q = P256.getN();
        return new BigInteger(1, derived).mod(q.subtract(BigInteger.ONE)).add(BigInteger.ONE);
    }

    /** The enrollment key pair (JDK EC keys on P-256), to sign an enrollment with. */
    public static KeyPair keyPair(String voterId, String code) {
        return keyPair(privateScalar(voterId, code));
    }

    /** The enrollment public key the admin registers for {@code voterId} (registerVoter's "enrollmentKey"). */
    public static Credential publicKey(String voterId, String code) {
        return Credential.of(keyPair(voterId, code).getPublic());
    }

    /** The JDK key pair of P-256 private scalar {@code d}. */
    static KeyPair keyPair(BigInteger d) {
        ECPoint q = P256.getG().multiply(d).normalize();
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec("secp256r1"));
            ECParameterSpec spec = parameters.getParameterSpec(ECParameterSpec.class);
            KeyFactory factory = KeyFactory.getInstance("EC");
            return new KeyPair(
                    factory.generatePublic(new ECPublicKeySpec(new java.security.spec.ECPoint(
                            q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger()), spec)),
                    factory.generatePrivate(new ECPrivateKeySpec(d, spec)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has EC keys on secp256r1", e);
        }
    }
}
