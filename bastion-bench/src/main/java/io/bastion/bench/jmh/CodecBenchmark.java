package io.bastion.bench.jmh;

import io.bastion.core.crypto.Digest;
import io.bastion.core.message.BatchEntry;
import io.bastion.core.message.Codec;
import io.bastion.core.message.CodecException;
import io.bastion.core.message.Message;
import io.bastion.core.message.PrePrepare;
import io.bastion.core.message.Prepare;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
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

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Encoding and decoding the messages of the hot path: a PREPARE, a 1 KiB client request, a
 * pre-prepare of 100 entries and a reply with 1 KiB of result and a 7-digest proof. A decode reads
 * a whole frame body (encoding plus an empty signature), as the network does.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CodecBenchmark {
    private Prepare prepare;
    private Request request;
    private PrePrepare prePrepare;
    private Reply reply;
    private byte[] prepareFrame;
    private byte[] requestFrame;
    private byte[] prePrepareFrame;
    private byte[] replyFrame;

    @Setup
    public void setUp() {
        Random random = new Random(1);
        byte[] operation = new byte[1024];
        random.nextBytes(operation);
        prepare = new Prepare(1, 3, 1_000, digest(random));
        request = new Request(7, 42, Request.Kind.WRITE, operation);
        List<BatchEntry> entries = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            entries.add(new BatchEntry(i, i + 1, digest(random)));
        }
        prePrepare = new PrePrepare(3, 1_000, 1_700_000_000_000L, 99, entries);
        List<Digest> proof = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            proof.add(digest(random));
        }
        reply = new Reply(1, 3, 1_000, 7, 42, operation, 5, 100, proof, new byte[64]);
        prepareFrame = frame(prepare);
        requestFrame = frame(request);
        prePrepareFrame = frame(prePrepare);
        replyFrame = frame(reply);
    }

    private static Digest digest(Random random) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Digest.sha256(bytes);
    }

    private static byte[] frame(Message m) {
        byte[] encoded = Codec.encodeMessage(m);
        byte[] frame = new byte[encoded.length + 1];
        System.arraycopy(encoded, 0, frame, 0, encoded.length);
        return frame;
    }

    @Benchmark
    public byte[] encodePrepare() {
        return Codec.encodeMessage(prepare);
    }

    @Benchmark
    public byte[] encodeRequest1KiB() {
        return Codec.encodeMessage(request);
    }

    @Benchmark
    public byte[] encodePrePrepare100() {
        return Codec.encodeMessage(prePrepare);
    }

    @Benchmark
    public byte[] encodeReply1KiB() {
        return Codec.encodeMessage(reply);
    }

    @Benchmark
    public Object decodePrepare() throws CodecException {
        return Codec.decodeFrame(prepareFrame);
    }

    @Benchmark
    public Object decodeRequest1KiB() throws CodecException {
        return Codec.decodeFrame(requestFrame);
    }

    @Benchmark
    public Object decodePrePrepare100() throws CodecException {
        return Codec.decodeFrame(prePrepareFrame);
    }

    @Benchmark
    public Object decodeReply1KiB() throws CodecException {
        return Codec.decodeFrame(replyFrame);
    }
}
