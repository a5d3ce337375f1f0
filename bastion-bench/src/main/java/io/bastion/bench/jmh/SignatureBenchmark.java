package io.bastion.bench.jmh;

import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.crypto.EcdsaP256SigningKey;
import io.bastion.crypto.Ed25519SigningKey;
import io.bastion.crypto.PublicKeys;
import io.bastion.crypto.StandardSignatureVerifier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Signing and verifying one message: Ed25519 through BouncyCastle (the fast path) and through the
 * JDK provider (its {@code Signature} API called directly), and ECDSA P-256 likewise (BouncyCastle is the
 * verifying path, the JDK signs). The "Uncached" variants parse the public key on every call, showing what the verifier's key cache saves. Message sizes: 64 bytes (a protocol
 * message such as PREPARE) and 1 KiB (a client request).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SignatureBenchmark {
    @Param({"64", "1024"})
    public int messageBytes;

    private byte[] message;
    private Ed25519SigningKey ed25519;
    private PrivateKey ed25519JdkPrivate;
    private PublicKey ed25519JdkPublic;
    private PublicKey p256JdkPublic;
    private EcdsaP256SigningKey p256;
    private PublicKeyRef ed25519Public;
    private PublicKeyRef p256Public;
    private byte[] ed25519Signature;
    private byte[] p256Signature;
    private final StandardSignatureVerifier standard = new StandardSignatureVerifier();
    private final StandardSignatureVerifier standardUncached = new StandardSignatureVerifier(0);

    @Setup
    public void setUp() throws GeneralSecurityException {
        Random random = new Random(1);
        message = new byte[messageBytes];
        random.nextBytes(message);
        byte[] seed = new byte[Ed25519SigningKey.SEED_BYTES];
        random.nextBytes(seed);
        ed25519 = Ed25519SigningKey.fromSeed(seed);
        ed25519JdkPrivate = KeyFactory.getInstance("Ed25519")
                .generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed));
        p256 = EcdsaP256SigningKey.generate(new SecureRandom());
        ed25519Public = ed25519.publicKey();
        p256Public = p256.publicKey();
        ed25519JdkPublic = PublicKeys.toJdk(ed25519Public);
        p256JdkPublic = PublicKeys.toJdk(p256Public);
        ed25519Signature = ed25519.sign(message);
        p256Signature = p256.sign(message);
        requireTrue(standard.verify(ed25519Public, message, ed25519Signature) && ed25519VerifyJdk()
                && Arrays.equals(ed25519SignJdk(), ed25519Signature)
                && standard.verify(p256Public, message, p256Signature) && p256VerifyJdk(), "set-up signatures must verify");
    }

    private static void requireTrue(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException(what);
        }
    }

    @Benchmark
    public byte[] ed25519SignBouncyCastle() {
        return ed25519.sign(message);
    }

    @Benchmark
    public byte[] ed25519SignJdk() throws GeneralSecurityException {
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(ed25519JdkPrivate);
        signer.update(message);
        return signer.sign();
    }

    @Benchmark
    public boolean ed25519VerifyBouncyCastle() {
        return standard.verify(ed25519Public, message, ed25519Signature);
    }

    @Benchmark
    public boolean ed25519VerifyBouncyCastleUncached() {
        return standardUncached.verify(ed25519Public, message, ed25519Signature);
    }

    @Benchmark
    public boolean ed25519VerifyJdk() throws GeneralSecurityException {
        return verifyJdk("Ed25519", ed25519JdkPublic, ed25519Signature);
    }

    @Benchmark
    public byte[] p256Sign() {
        return p256.sign(message);
    }

    @Benchmark
    public boolean p256VerifyBouncyCastle() {
        return standard.verify(p256Public, message, p256Signature);
    }

    @Benchmark
    public boolean p256VerifyBouncyCastleUncached() {
        return standardUncached.verify(p256Public, message, p256Signature);
    }

    @Benchmark
    public boolean p256VerifyJdk() throws GeneralSecurityException {
        return verifyJdk("SHA256withECDSAinP1363Format", p256JdkPublic, p256Signature);
    }

    /** The JDK provider's verification, a {@code Signature} made per call as a server thread would. */
    private boolean verifyJdk(String algorithm, PublicKey key, byte[] signature) throws GeneralSecurityException {
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(key);
        verifier.update(message);
        return verifier.verify(signature);
    }
}
