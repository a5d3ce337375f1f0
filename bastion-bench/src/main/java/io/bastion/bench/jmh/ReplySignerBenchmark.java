package io.bastion.bench.jmh;

import io.bastion.core.execution.ReplySigner;
import io.bastion.core.message.Reply;
import io.bastion.crypto.Ed25519SigningKey;
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

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * A replica signing the replies of one executed batch: Merkle tree over the reply leaves, one
 * Ed25519 signature (BouncyCastle) over its root, an audit path per reply. Replies of 1 KiB.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ReplySignerBenchmark {
    private static final int RESULT_BYTES = 1024;

    @Param({"1", "16", "64"})
    public int batchSize;

    private ReplySigner signer;
    private List<ReplySigner.Unsigned> replies;

    @Setup
    public void setUp() {
        Random random = new Random(3);
        byte[] seed = new byte[Ed25519SigningKey.SEED_BYTES];
        random.nextBytes(seed);
        signer = new ReplySigner(0, Ed25519SigningKey.fromSeed(seed));
        replies = new ArrayList<>(batchSize);
        for (int i = 0; i < batchSize; i++) {
            byte[] result = new byte[RESULT_BYTES];
            random.nextBytes(result);
            replies.add(new ReplySigner.Unsigned(1_000 + i, 1, result));
        }
    }

    @Benchmark
    public List<Reply> signBatch() {
        return signer.sign(0, 1, replies);
    }
}
