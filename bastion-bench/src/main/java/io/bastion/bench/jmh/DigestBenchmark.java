package io.bastion.bench.jmh;

import io.bastion.core.crypto.Digest;
import io.bastion.crypto.HmacSha256;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/** SHA-256 (request and batch digests) and HMAC-SHA256 (the MAC mode) of 1 KiB, both through the JDK. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class DigestBenchmark {
    private static final int BYTES = 1024;

    private byte[] data;
    private HmacSha256 hmac;

    @Setup
    public void setUp() {
        Random random = new Random(2);
        data = new byte[BYTES];
        random.nextBytes(data);
        byte[] key = new byte[HmacSha256.KEY_BYTES];
        random.nextBytes(key);
        hmac = new HmacSha256(key);
    }

    @Benchmark
    public Digest sha256Of1KiB() {
        return Digest.sha256(data);
    }

    @Benchmark
    public byte[] hmacSha256Of1KiB() {
        return hmac.mac(data);
    }
}
