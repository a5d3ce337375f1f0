package io.bastion.net.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A cluster file that cannot be used: unreadable, not TOML, or describing an invalid cluster. The
 * message names the file, the offending field as it is spelled in the file (such as
 * {@code replica[2].clientPort}) and what is wrong, plus the line and column when the TOML parser
 * reports them; it is meant to be shown to an operator as it is.
 */
public final class InvalidClusterFileException extends Exception {
    private final Path file;
    private final String field;

    InvalidClusterFileException(Path file, String field, String problem) {
        this(file, field, problem, null);
    }

    InvalidClusterFileException(Path file, String field, String problem, Throwable cause) {
        super(file + ": " + (field == null ? "" : field + ": ") + problem, cause);
        this.file = file;
        this.field = field;
    }

    /** The file as the caller named it. */
    public Path file() {
        return file;
    }

    /** The field at fault, as spelled in the file ({@code f}, {@code replica[2].clientPort}, {@code protocol.logSize}); empty for problems of the file as a whole. */
    public Optional<String> field() {
        return Optional.ofNullable(field);
    }
}
