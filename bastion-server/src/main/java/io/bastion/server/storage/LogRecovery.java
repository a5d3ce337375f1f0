package io.bastion.server.storage;

import io.bastion.server.storage.LogRecords.Bad;
import io.bastion.server.storage.LogRecords.Damage;
import io.bastion.server.storage.LogRecords.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * Checks the segments of a log directory when the log opens, and cuts off a torn write at the end
 * of the last one. The rules are stated on {@link FileProtocolLog}. Stateless.
 */
final class LogRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(LogRecovery.class);

    private LogRecovery() {}

    /** The segments of {@code directory}, oldest first, checked, and with the accounts of their good records. */
    static List<Segment> recover(Path directory, SyncMode syncMode) throws IOException {
        List<Segment> segments = list(directory);
        for (int i = 0; i < segments.size(); i++) {
            Segment segment = segments.get(i);
            if (i > 0) {
                checkJoined(segments.get(i - 1), segment);
            }
            check(segment, i == segments.size() - 1, syncMode);
        }
        return segments;
    }

    /** The segment files of {@code directory} by first record number; other files are ignored. */
    static List<Segment> list(Path directory) throws IOException {
        List<Segment> segments = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                OptionalLong first = Segment.firstRecordOf(file);
                if (first.isPresent()) {
                    segments.add(new Segment(directory, first.getAsLong()));
                }
            }
        }
        segments.sort(Comparator.comparingLong(s -> s.firstRecord));
        return segments;
    }

    private static void checkJoined(Segment previous, Segment segment) {
        if (segment.firstRecord != previous.nextRecord()) {
            throw new CorruptStorageException(segment.path, 0, "starts at record " + segment.firstRecord
                    + " but " + previous + " ends before record " + previous.nextRecord() + ": a segment is missing");
        }
    }

    private static void check(Segment segment, boolean last, SyncMode syncMode) throws IOException {
        byte[] data = FileIo.readAll(segment.path);
        LogRecords.Scan scan = LogRecords.scan(data);
        for (Record r : scan.records()) {
            segment.added(r.seq(), r.size());
        }
        Bad bad = scan.bad();
        if (bad == null) {
            return;
        }
        if (!last) {
            throw new CorruptStorageException(segment.path, bad.offset(), bad.problem() + " in a segment that is not the last");
        }
        if (bad.damage() == Damage.UNDECODABLE) {
            throw new CorruptStorageException(segment.path, bad.offset(), bad.problem());
        }
        int later = LogRecords.nextGroupStart(data, bad.offset() + 1);
        if (later >= 0) {
            throw new CorruptStorageException(segment.path, bad.offset(), bad.problem()
                    + ", yet a later group starts at offset " + later + ": damage, not a torn write");
        }
        cutTornTail(segment, data.length, bad, syncMode);
    }

    /** Drops a group whose append never returned: it was never reported durable, so nothing was sent from it. */
    private static void cutTornTail(Segment segment, long size, Bad bad, SyncMode syncMode) throws IOException {
        LOG.warn("{}: torn write at offset {} ({}); cutting off the last {} bytes, keeping {} records",
                segment.path, bad.offset(), bad.problem(), size - bad.offset(), segment.recordCount());
        try (FileChannel channel = FileChannel.open(segment.path, StandardOpenOption.WRITE)) {
            channel.truncate(bad.offset());
            if (syncMode == SyncMode.FSYNC) {
                channel.force(true);
            }
        }
    }
}
