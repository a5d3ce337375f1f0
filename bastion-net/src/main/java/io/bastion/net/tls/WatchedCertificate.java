package io.bastion.net.tls;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A certificate chain and key that an operator keeps in files (from {@code bastion keygen}, or an
 * ACME client), served from the files' current contents: at most every
 * {@link #CHECK_INTERVAL_MILLIS} a handshake looks whether either file changed (modification
 * time, size, file key) and reads them again, and {@link #reload} does so at once (on SIGHUP).
 * New connections get the new certificate; open ones keep theirs. A pair that cannot be used (a
 * key that does not match the chain, a file half-written by a tool that does not replace files
 * atomically) is logged once and the previous pair is kept until the files change again.
 * Thread-safe.
 */
public final class WatchedCertificate implements KeyMaterialSource {
    private static final Logger LOG = LoggerFactory.getLogger(WatchedCertificate.class);
    /** Least time between two looks at the files. */
    public static final long CHECK_INTERVAL_MILLIS = 1_000;

    private record Stamp(Object chain, Object key) {}

    private final Path chainFile;
    private final Path keyFile;
    private final String name;
    private KeyMaterial current;
    private KeyMaterial previous;
    private Stamp loaded;
    private Stamp failed;
    private long checkedAtNanos;
    private long generation;

    /** Reads the files; throws if they cannot be used now. */
    public WatchedCertificate(Path chainFile, Path keyFile, String name) throws CertificateFileException {
        this.chainFile = chainFile;
        this.keyFile = keyFile;
        this.name = name;
        Stamp stamp;
        try {
            stamp = stamp();
        } catch (IOException e) {
            throw new CertificateFileException(chainFile, "cannot read it or " + keyFile + ": " + e, e);
        }
        this.current = CertificateFiles.read(chainFile, keyFile, alias(++generation));
        this.loaded = stamp;
        this.checkedAtNanos = System.nanoTime();
    }

    public Path chainFile() {
        return chainFile;
    }

    @Override
    public synchronized KeyMaterial current() {
        long now = System.nanoTime();
        if (now - checkedAtNanos >= TimeUnit.MILLISECONDS.toNanos(CHECK_INTERVAL_MILLIS)) {
            checkedAtNanos = now;
            reloadIfChanged(false);
        }
        return current;
    }

    @Override
    public synchronized KeyMaterial byAlias(String alias) {
        if (current.alias().equals(alias)) {
            return current;
        }
        return previous != null && previous.alias().equals(alias) ? previous : null;
    }

    /** Reads the files again now, changed or not; returns whether the new pair is served. */
    public synchronized boolean reload() {
        checkedAtNanos = System.nanoTime();
        return reloadIfChanged(true);
    }

    private boolean reloadIfChanged(boolean always) {
        Stamp stamp;
        try {
            stamp = stamp();
        } catch (IOException e) {
            warnOnce(null, "cannot read " + e.getMessage());
            return false;
        }
        if (!always && (stamp.equals(loaded) || stamp.equals(failed))) {
            return false;
        }
        try {
            KeyMaterial next = CertificateFiles.read(chainFile, keyFile, alias(generation + 1));
            generation++;
            previous = current;
            current = next;
            loaded = stamp;
            failed = null;
            LOG.info("{}: now serving the certificate of {} from {} (valid until {})", name,
                    next.leaf().getSubjectX500Principal(), chainFile, next.leaf().getNotAfter().toInstant());
            return true;
        } catch (CertificateFileException e) {
            warnOnce(stamp, e.getMessage());
            return false;
        }
    }

    private void warnOnce(Stamp stamp, String problem) {
        if (stamp == null || !stamp.equals(failed)) {
            LOG.warn("{}: keeping the certificate served so far; {}", name, problem);
        }
        failed = stamp;
    }

    private Stamp stamp() throws IOException {
        return new Stamp(stampOf(chainFile), stampOf(keyFile));
    }

    private static Object stampOf(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        return java.util.List.of(attributes.lastModifiedTime(), attributes.size(),
                Objects.requireNonNullElse(attributes.fileKey(), ""));
    }

    private String alias(long generationNumber) {
        return "files-" + generationNumber;
    }
}
