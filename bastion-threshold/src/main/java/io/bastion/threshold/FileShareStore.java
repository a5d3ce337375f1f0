package io.bastion.threshold;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@link ShareStore} in a directory of the replica's own (never replicated, never sent): one file
 * per secret, readable by the owner only, each written to a temporary file, fsynced, renamed into
 * place and the directory fsynced, so a kill -9 leaves either the old secret or the new one.
 * File names are {@code encryption.key} and {@code share-<hex of key name>-<epoch>}; contents are
 * the secret in hexadecimal. Not thread-safe (the executor's); what it read is kept in memory.
 */
public final class FileShareStore implements ShareStore {
    private static final String ENCRYPTION = "encryption.key";
    private final Path directory;
    /** What was read or written, so the agent's reads after every batch do not touch the disk. */
    private final java.util.Map<String, Optional<BigInteger>> cache = new java.util.HashMap<>();

    public FileShareStore(Path directory) {
        this.directory = directory;
        try {
            Files.createDirectories(directory);
            if (Files.getFileStore(directory).supportsFileAttributeView("posix")) {
                Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the share store " + directory, e);
        }
    }

    @Override
    public Optional<BigInteger> encryptionSecret() {
        return read(ENCRYPTION);
    }

    @Override
    public void putEncryptionSecret(BigInteger secret) {
        write(ENCRYPTION, secret);
    }

    @Override
    public Optional<BigInteger> share(String key, int epoch) {
        return read(shareFile(key, epoch));
    }

    @Override
    public void putShare(String key, int epoch, BigInteger share) {
        write(shareFile(key, epoch), share);
    }

    @Override
    public void forgetBefore(String key, int epoch) {
        String prefix = "share-" + HexFormat.of().formatHex(key.getBytes(StandardCharsets.UTF_8)) + "-";
        try (Stream<Path> files = Files.list(directory)) {
            for (Path p : files.toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith(prefix) && !name.endsWith(".tmp")
                        && Integer.parseInt(name.substring(prefix.length())) < epoch) {
                    Files.deleteIfExists(p);
                    cache.remove(name);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the share store " + directory, e);
        }
    }

    private static String shareFile(String key, int epoch) {
        return "share-" + HexFormat.of().formatHex(key.getBytes(StandardCharsets.UTF_8)) + "-" + epoch;
    }

    private Optional<BigInteger> read(String name) {
        Optional<BigInteger> cached = cache.get(name);
        if (cached != null) {
            return cached;
        }
        Optional<BigInteger> value = readFile(name);
        if (cache.size() < 4096) {
            cache.put(name, value);
        }
        return value;
    }

    private Optional<BigInteger> readFile(String name) {
        Path p = directory.resolve(name);
        if (!Files.exists(p)) {
            return Optional.empty();
        }
        try {
            String text = Files.readString(p, StandardCharsets.US_ASCII).strip();
            return Optional.of(new BigInteger(text, 16));
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("the share store file " + p + " is unreadable: " + e.getMessage(), e);
        }
    }

    private void write(String name, BigInteger secret) {
        Path target = directory.resolve(name);
        Path tmp = directory.resolve(name + ".tmp");
        try {
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.write(StandardCharsets.US_ASCII.encode(secret.toString(16) + "\n"));
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
                dir.force(true);
            }
            cache.put(name, Optional.of(secret));
        } catch (IOException e) {
            cache.remove(name);
            throw new UncheckedIOException("cannot store " + target, e);
        }
    }
}
