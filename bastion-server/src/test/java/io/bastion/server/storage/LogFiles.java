package io.bastion.server.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

/** Damaging and copying log and snapshot files, for recovery tests. */
final class LogFiles {
    private LogFiles() {}

    /** Segment files of a log directory, oldest first. */
    static List<Path> segments(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> Segment.firstRecordOf(f).isPresent()).sorted().toList();
        }
    }

    /** The records of one segment file as the log's own reader sees them. */
    static List<LogRecords.Record> records(Path segment) throws IOException {
        return LogRecords.scan(Files.readAllBytes(segment)).records();
    }

    static void truncate(Path file, long size) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
    }

    /** Inverts every bit of the byte at {@code offset}. */
    static void flip(Path file, long offset) throws IOException {
        byte[] data = Files.readAllBytes(file);
        data[(int) offset] ^= (byte) 0xFF;
        Files.write(file, data);
    }

    static void append(Path file, byte[] bytes) throws IOException {
        Files.write(file, bytes, StandardOpenOption.APPEND);
    }

    /** Copies the files of {@code from} (not recursively) into a new directory {@code to}. */
    static Path copy(Path from, Path to) {
        try (Stream<Path> files = Files.list(from)) {
            Files.createDirectories(to);
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
            return to;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
