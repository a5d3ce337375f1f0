package io.bastion.crypto;

import java.nio.file.Path;

/**
 * A key file that cannot be used: missing, unreadable, not PEM, the wrong kind of key, or an
 * invalid key. The message names the file and says what is wrong, so it can be shown as it is.
 */
public final class KeyFileException extends Exception {
    private final Path file;

    public KeyFileException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public KeyFileException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The file as the caller named it. */
    public Path file() {
        return file;
    }
}
