package io.bastion.bench.jmh;

import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.crypto.EcdsaP256SigningKey;
import io.bastion.crypto.Ed25519SigningKey;
import io.bastion.crypto.JdkEd25519SigningKey;
import io.bastion.crypto.JdkSignatureVerifier;
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

import java.security.SecureRandom;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Signing and verifying one message: Ed25519 through BouncyCastle (the fast path) and through the
 * JDK provider, and ECDSA P-256 through the JDK. The "Uncached" variants parse the public key on
 * every call, showing what the verifier's key cache saves. Message sizes: 64 bytes (a protocol
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
    private JdkEd25519SigningKey ed25519Jdk;
    private EcdsaP256SigningKey p256;
    private PublicKeyRef ed25519Public;
    private PublicKeyRef p256Public;
    private byte[] ed25519Signature;
    private byte[] p256Signature;
    private final StandardSignatureVerifier standard = new StandardSignatureVerifier();
    private final StandardSignatureVerifier standardUncached = new StandardSignatureVerifier(0);
    private final JdkSignatureVerifier jdk = new JdkSignatureVerifier();

    @Setup
    public void setUp() {
        Random random = new Random(1);
        message = new byte[messageBytes];
        random.nextBytes(message);
        byte[] seed = new byte[Ed25519SigningKey.SEED_BYTES];
        random.nextBytes(seed);
        ed25519 = Ed25519SigningKey.fromSeed(seed);
        ed25519Jdk = JdkEd25519SigningKey.fromSeed(seed);
        p256 = EcdsaP256SigningKey.generate(new SecureRandom());
        ed25519Public = ed25519.publicKey();
        p256Public = p256.publicKey();
        ed25519Signature = ed25519.sign(message);
        p256Signature = p256.sign(message);
        requireTrue(standard.verify(ed25519Public, message, ed25519Signature) && jdk.verify(ed25519Public, message, ed25519Signature)
                && standard.verify(p256Public, message, p256Signature), "set-up signatures must verify");
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
    public byte[] ed25519SignJdk() {
        return ed25519Jdk.sign(message);
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
    public boolean ed25519VerifyJdk() {
        return jdk.verify(ed25519Public, message, ed25519Signature);
    }

    @Benchmark
    public byte[] p256Sign() {
        return p256.sign(message);
    }

    @Benchmark
    public boolean p256Verify() {
        return standard.verify(p256Public, message, p256Signature);
    }

    @Benchmark
    public boolean p256VerifyUncached() {
        return standardUncached.verify(p256Public, message, p256Signature);
    }
}
