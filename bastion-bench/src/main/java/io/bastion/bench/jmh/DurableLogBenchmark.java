package io.bastion.bench.jmh;

import io.bastion.core.crypto.Digest;
import io.bastion.core.message.BatchEntry;
import io.bastion.core.message.PrePrepare;
import io.bastion.core.message.Envelope;
import io.bastion.crypto.Ed25519SigningKey;
import io.bastion.server.storage.FileProtocolLog;
import io.bastion.server.storage.ProtocolLog.Entry;
import io.bastion.server.storage.SyncMode;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One group commit of the protocol log: {@code FileProtocolLog.appendDurably} of 1, 16 or 64
 * entries of about 1 KiB (a pre-prepare of 20 requests, Ed25519-signed: 1,074 bytes on disk),
 * with {@link SyncMode#FSYNC} (one {@code fdatasync} per group) and {@link SyncMode#NONE} (no
 * sync: the cost of the code and the page cache alone). Default 64 MiB segments in a fresh
 * directory under {@code java.io.tmpdir}; set it with {@code -jvmArgs -Djava.io.tmpdir=...} to
 * measure another disk. Old segments are discarded as the log grows, as a replica does.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class DurableLogBenchmark {
    private static final int REQUESTS_PER_PRE_PREPARE = 20;

    @Param({"1", "16", "64"})
    public int groupSize;

    @Param({"FSYNC", "NONE"})
    public SyncMode syncMode;

    private Path directory;
    private FileProtocolLog log;
    private List<Entry> group;

    @Setup
    public void setUp() throws IOException {
        Random random = new Random(4);
        byte[] seed = new byte[Ed25519SigningKey.SEED_BYTES];
        random.nextBytes(seed);
        Ed25519SigningKey key = Ed25519SigningKey.fromSeed(seed);
        group = new ArrayList<>(groupSize);
        for (int i = 0; i < groupSize; i++) {
            List<BatchEntry> batch = new ArrayList<>(REQUESTS_PER_PRE_PREPARE);
            for (int r = 0; r < REQUESTS_PER_PRE_PREPARE; r++) {
                byte[] request = new byte[64];
                random.nextBytes(request);
                batch.add(new BatchEntry(1_000 + r, i, Digest.sha256(request)));
            }
            group.add(new Entry(1, Envelope.sign(new PrePrepare(0, 1, 1_767_225_600_000L, i, batch), key)));
        }
        directory = Files.createTempDirectory("bastion-log-bench");
        log = FileProtocolLog.open(directory, FileProtocolLog.Settings.defaults().withSyncMode(syncMode));
    }

    @TearDown
    public void tearDown() throws IOException {
        log.close();
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Benchmark
    public void appendDurably() {
        log.appendDurably(group);
        log.discardBelow(2); // every entry is at seq 1: drops every segment but the active one
    }
}
