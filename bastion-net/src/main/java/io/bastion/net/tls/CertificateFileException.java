package io.bastion.net.tls;

import java.io.IOException;
import java.nio.file.Path;

/** A certificate or private key file that cannot be used; the message names the file and says why. */
public final class CertificateFileException extends IOException {
    private final Path file;

    public CertificateFileException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public CertificateFileException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
