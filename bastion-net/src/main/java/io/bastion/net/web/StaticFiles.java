package io.bastion.net.web;

import io.bastion.core.util.Check;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The files under one web root directory, as the web endpoint serves them. A request path maps to
 * a file only when it stays inside the root: it must start with {@code /}; no segment may be
 * empty, {@code .} or {@code ..}, or start with a dot (hidden files are not served); no
 * backslash, colon or NUL anywhere; and the file's real path (symlinks resolved) must lie under
 * the root's real path. A path ending in {@code /} means its {@value #INDEX} file. Only regular
 * files of at most {@link #FILE_BYTES_MAX} bytes are served. Anything else is "not found", so a
 * client learns nothing about what lies outside the root.
 *
 * <p>Reads are blocking and small (the whole file, bounded); callers run them where blocking a
 * moment is acceptable. Immutable and thread-safe.
 */
public final class StaticFiles {
    /** Largest file served, in bytes. */
    public static final int FILE_BYTES_MAX = 4 << 20;
    /** The file a directory path ({@code /}, {@code /docs/}) stands for. */
    public static final String INDEX = "index.html";
    /** Content type of files whose extension is not in {@link #CONTENT_TYPES}. */
    public static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";
    /** Content types by lower-case file extension. */
    public static final Map<String, String> CONTENT_TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "mjs", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "json", "application/json",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon",
            "txt", "text/plain; charset=utf-8",
            "wasm", "application/wasm");

    /** A file to send. */
    public record File(byte[] content, String contentType) {}

    private final Path root;

    /** Serves the files under {@code root}, which must be an existing directory. */
    public StaticFiles(Path root) {
        try {
            this.root = root.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("web root " + root + " cannot be read", e);
        }
        Check.argument(Files.isDirectory(this.root), "web root " + root + " is not a directory");
    }

    public Path root() {
        return root;
    }

    /**
     * The file for the decoded request {@code path}, or {@code null} when none is served there.
     *
     * @throws IOException if the file exists but cannot be read
     */
    public File find(String path) throws IOException {
        String relative = relativePath(path);
        if (relative == null) {
            return null;
        }
        Path file;
        try {
            file = root.resolve(relative).toRealPath();
        } catch (NoSuchFileException e) {
            return null;
        }
        if (!file.startsWith(root) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        byte[] content;
        try (InputStream in = Files.newInputStream(file)) {
            content = in.readNBytes(FILE_BYTES_MAX + 1); // bounded even if the file grows meanwhile
        }
        return content.length > FILE_BYTES_MAX ? null : new File(content, contentType(file.getFileName().toString()));
    }

    /** {@code path} as a path relative to the root, or {@code null} when it may not be served. */
    static String relativePath(String path) {
        if (!path.startsWith("/") || path.indexOf('\\') >= 0 || path.indexOf(':') >= 0 || path.indexOf('\0') >= 0) {
            return null;
        }
        String relative = path.substring(1) + (path.endsWith("/") ? INDEX : "");
        for (String segment : relative.split("/", -1)) {
            if (segment.isEmpty() || segment.startsWith(".")) {
                return null; // "", ".", ".." and hidden files
            }
        }
        return relative;
    }

    /** The content type for a file name, by its extension. */
    public static String contentType(String fileName) {
        int dot = fileName.lastIndexOf('.');
        String extension = dot < 0 ? "" : fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
        return CONTENT_TYPES.getOrDefault(extension, DEFAULT_CONTENT_TYPE);
    }
}
